import Foundation
import LinearAlgebra

/// Linear CKA between many representations of the same samples at once (every pair of layers,
/// or every layer of one store against every layer of another).
///
/// CKA(X, Y) = ⟨K̄, L̄⟩ / (‖K̄‖ ‖L̄‖) with K̄ = X̄X̄ᵀ the Gram matrix of the column-centred X
/// (Kornblith et al. 2019). Each representation's centred Gram matrix is computed once and
/// scaled to unit Frobenius norm, so a pair costs one m² dot product instead of the m·D² of the
/// pairwise form — L representations cost L·m²·D + L²·m² instead of L²·m·D². The pairwise
/// library function `RepresentationSimilarity.linearCKA` is the reference (a test checks they agree).
public enum CKAMatrix {
    /// The unit-norm centred Gram matrix `[m, m]` of `x` `[m, D]`, or nil when x is constant
    /// (CKA is undefined) or not finite.
    public static func normalizedGram(_ x: Matrix) -> [Double]? {
        let m = x.rows, d = x.cols
        guard m >= 2, x.isFinite else { return nil }
        // Centre in Double: sink tokens have norms in the hundreds, and the Gram of the raw
        // values would lose the small tokens' structure to cancellation.
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<m { for j in 0..<d { mean[j] += Double(x.values[i * d + j]) } }
        for j in 0..<d { mean[j] /= Double(m) }
        // X̄ᵀ stored [D, m], so gram(X̄ᵀ) = X̄ X̄ᵀ [m, m] (dsyrk, row-major, upper, transposed).
        var xt = MatrixD(zeros: d, m)
        for i in 0..<m { for j in 0..<d { xt.values[j * m + i] = Double(x.values[i * d + j]) - mean[j] } }
        var k = gram(xt).values
        let norm = k.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0, norm.isFinite else { return nil }
        for i in k.indices { k[i] /= norm }
        return k
    }

    /// `[a.count, b.count]` CKA values (row-major); nil where either side is undefined.
    public static func matrix(_ a: [[Double]?], _ b: [[Double]?]) -> [[Double?]] {
        a.map { ka in
            b.map { kb in
                guard let ka, let kb, ka.count == kb.count else { return nil }
                var s = 0.0
                for i in ka.indices { s += ka[i] * kb[i] }
                return min(max(s, 0), 1)
            }
        }
    }

    /// The symmetric layer × layer matrix of one set of representations (each pair computed once).
    public static func symmetric(_ grams: [[Double]?]) -> [[Double?]] {
        var out = [[Double?]](repeating: [Double?](repeating: nil, count: grams.count), count: grams.count)
        for i in grams.indices {
            for j in i..<grams.count {
                // CKA(X, X) = 1 by definition; the sum would give it only to within rounding.
                let v = i == j ? (grams[i] == nil ? nil : 1) : matrix([grams[i]], [grams[j]])[0][0]
                out[i][j] = v
                out[j][i] = v
            }
        }
        return out
    }
}
