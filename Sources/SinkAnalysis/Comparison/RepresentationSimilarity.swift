import LinearAlgebra

/// Representation similarity measures: how alike two sets of representations of the same
/// samples are (sinks at layer i vs layer j, sinks vs non-sinks of the same images).
public enum RepresentationSimilarity {
    /// Linear centred kernel alignment (Kornblith et al. 2019, "Similarity of Neural Network
    /// Representations Revisited", eq. for linear CKA):
    ///
    ///     CKA(X, Y) = ‖ȲᵀX̄‖²_F / (‖X̄ᵀX̄‖_F ‖ȲᵀȲ‖_F)
    ///
    /// with X̄, Ȳ column-centred. Invariant to orthogonal transforms and isotropic scaling of
    /// either side, so it compares layers of different widths. Computed in Double; uses the
    /// feature-space form when n > p + q and the equivalent n × n Gram form (⟨K, L⟩ / ‖K‖‖L‖,
    /// K = X̄X̄ᵀ) otherwise, whichever is cheaper.
    ///
    /// - Parameters: x `[n, p]`, y `[n, q]` — row i of both describes sample i.
    /// - Returns: a value in [0, 1].
    /// - Throws: `.shapeMismatch` when row counts differ, `.tooFewSamples` for n < 2,
    ///   `.nonFinite`, `.invalidParameter` when one side is constant (CKA undefined).
    public static func linearCKA(_ x: Matrix, _ y: Matrix) throws -> Double {
        guard x.rows == y.rows else {
            throw ProbeError.shapeMismatch(what: "CKA", expected: "the same number of rows (samples) on both sides",
                                           got: "\(x.rows) and \(y.rows)")
        }
        guard x.rows >= 2 else { throw ProbeError.tooFewSamples(samples: x.rows, folds: 2) }
        try x.requireFinite("the first representation")
        try y.requireFinite("the second representation")
        let xc = centred(x), yc = centred(y)
        let cross: Double, selfX: Double, selfY: Double
        if x.rows > x.cols + y.cols {
            cross = frobeniusSquared(matmul(yc, xc, transposeA: true))   // ȲᵀX̄ [q, p]
            selfX = frobeniusSquared(gram(xc)).squareRoot()
            selfY = frobeniusSquared(gram(yc)).squareRoot()
        } else {
            let k = matmul(xc, xc, transposeB: true), l = matmul(yc, yc, transposeB: true)   // [n, n]
            cross = zip(k.values, l.values).reduce(0) { $0 + $1.0 * $1.1 }
            selfX = frobeniusSquared(k).squareRoot()
            selfY = frobeniusSquared(l).squareRoot()
        }
        guard selfX > 0, selfY > 0 else {
            throw ProbeError.invalidParameter(name: "representation", value: "constant",
                                              allowed: "non-constant on both sides for CKA to be defined")
        }
        return cross / (selfX * selfY)
    }

    /// Cosine similarity of the mean vectors of two groups (e.g. mean sink token vs mean
    /// non-sink token of a layer). - Parameters: a `[n₁, D]`, b `[n₂, D]`.
    public static func cosineOfMeans(_ a: Matrix, _ b: Matrix) throws -> Double {
        guard a.cols == b.cols else {
            throw ProbeError.shapeMismatch(what: "cosine of means", expected: "the same width on both sides", got: "\(a.cols) and \(b.cols)")
        }
        guard a.rows > 0 else { throw ProbeError.emptyGroup(name: "first group") }
        guard b.rows > 0 else { throw ProbeError.emptyGroup(name: "second group") }
        try a.requireFinite("the first group")
        try b.requireFinite("the second group")
        let ma = columnMeans(a), mb = columnMeans(b)
        let na = dot(ma, ma).squareRoot(), nb = dot(mb, mb).squareRoot()
        guard na > 0, nb > 0 else {
            throw ProbeError.invalidParameter(name: "group mean", value: "zero vector", allowed: "non-zero for a cosine")
        }
        return dot(ma, mb) / (na * nb)
    }

    private static func centred(_ x: Matrix) -> MatrixD {
        let mean = columnMeans(x)
        var out = x.double
        for i in 0..<x.rows { for j in 0..<x.cols { out.values[i * x.cols + j] -= mean[j] } }
        return out
    }

    private static func frobeniusSquared(_ m: MatrixD) -> Double { m.values.reduce(0) { $0 + $1 * $1 } }
}
