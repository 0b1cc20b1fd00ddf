import LinearAlgebra

/// Streaming covariance of row vectors: add `[b, D]` blocks (e.g. one store shard at a time)
/// and get the `[D, D]` covariance without holding all rows in memory.
///
/// Numerics: every row is first shifted by a reference vector (the mean of the first block), so
/// the Gram matrix sums small centred-ish values rather than raw activations whose large mean
/// would cancel catastrophically (ViT hidden states have dimensions of magnitude 100+).
/// Each sub-block of at most `blockRows` rows is multiplied in Float32 with `cblas_ssyrk`
/// (fast) and added into a Double accumulator, so the round-off of one product stays small
/// and never compounds across the whole data set.
///
///     var acc = CovarianceAccumulator(features: 384)
///     try reader.forEachShard { shard in try acc.add(Matrix(rows: ..., cols: 384, values: ...)) }
///     let cov = try acc.covariance()          // [384, 384], ddof 1
public struct CovarianceAccumulator: Sendable {
    /// D.
    public let features: Int
    /// Rows added so far.
    public private(set) var count = 0
    /// Rows per ssyrk call; bounds the Float round-off and the scratch memory.
    public var blockRows = 2048
    private var shift: [Float] = []
    /// Σ (x − shift), `[D]`.
    private var sum: [Double]
    /// Upper triangle of Σ (x − shift)(x − shift)ᵀ, `[D, D]`.
    private var gram: [Double]

    public init(features: Int) {
        self.features = features
        sum = [Double](repeating: 0, count: features)
        gram = [Double](repeating: 0, count: features * features)
    }

    /// Adds the rows of `block` (`[b, D]`).
    /// - Throws: `ProbeError.shapeMismatch` for a wrong width, `.nonFinite` for NaN/Inf.
    public mutating func add(_ block: Matrix) throws {
        guard block.cols == features else {
            throw ProbeError.shapeMismatch(what: "covariance block", expected: "\(features) columns", got: "\(block.cols)")
        }
        if let bad = block.values.firstIndex(where: { !$0.isFinite }) {
            throw ProbeError.nonFinite(what: "the features", row: count + bad / max(features, 1))
        }
        guard block.rows > 0 else { return }
        let d = features
        if shift.isEmpty {
            var m = [Double](repeating: 0, count: d)
            for i in 0..<block.rows { for j in 0..<d { m[j] += Double(block.values[i * d + j]) } }
            shift = m.map { Float($0 / Double(block.rows)) }
        }
        var scratch = [Float](repeating: 0, count: min(blockRows, block.rows) * d)
        var product = [Float](repeating: 0, count: d * d)
        var start = 0
        while start < block.rows {
            let rows = min(blockRows, block.rows - start)
            for i in 0..<rows {
                for j in 0..<d {
                    let v = block.values[(start + i) * d + j] - shift[j]
                    scratch[i * d + j] = v
                    sum[j] += Double(v)
                }
            }
            scratch.withUnsafeBufferPointer { pa in
                product.withUnsafeMutableBufferPointer { pc in
                    // Row-major, upper, transposed: product[D, D] = scratchᵀ scratch, scratch [rows, D].
                    ssyrkTransposed(n: d, k: rows, a: pa.baseAddress!, lda: d, c: pc.baseAddress!, ldc: d)
                }
            }
            for r in 0..<d { for c in r..<d { gram[r * d + c] += Double(product[r * d + c]) } }
            start += rows
        }
        count += block.rows
    }

    /// The mean of the rows added, `[D]`.
    public var mean: [Double] {
        (0..<features).map { Double(shift.isEmpty ? 0 : shift[$0]) + sum[$0] / Double(max(count, 1)) }
    }

    /// The covariance `Σ (x − mean)(x − mean)ᵀ / (count − ddof)`, `[D, D]`, both triangles.
    /// - Throws: `ProbeError.tooFewSamples` when `count <= ddof`.
    public func covariance(ddof: Int = 1) throws -> MatrixD {
        guard count > ddof else { throw ProbeError.tooFewSamples(samples: count, folds: ddof + 1) }
        let d = features
        let n = Double(count)
        // Σ (x−s)(x−s)ᵀ − n m mᵀ with m the mean of the shifted rows: the centred scatter.
        let m = sum.map { $0 / n }
        var cov = MatrixD(zeros: d, d)
        let denominator = n - Double(ddof)
        for r in 0..<d {
            for c in r..<d {
                let v = (gram[r * d + c] - n * m[r] * m[c]) / denominator
                cov.values[r * d + c] = v
                cov.values[c * d + r] = v
            }
        }
        return cov
    }
}
