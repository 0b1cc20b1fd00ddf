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
    public var blockRows = 4096
    /// How errors name the data ("the PCA input").
    public var name = "the covariance input"
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
    /// - Throws: `ProbeError.shapeMismatch` for a wrong width, `.nonFinite` for NaN/Inf (nothing
    ///   is added from a block that holds one).
    public mutating func add(_ block: Matrix) throws {
        guard block.cols == features else {
            throw ProbeError.shapeMismatch(what: "covariance block", expected: "\(features) columns", got: "\(block.cols)")
        }
        guard block.rows > 0 else { return }
        let d = features
        if shift.isEmpty {
            shift = columnMeans(block.rows(Array(0..<min(blockRows, block.rows)))).map { Float($0) }
        }
        let rowsPerCall = min(blockRows, block.rows)
        var scratch = [Float](repeating: 0, count: rowsPerCall * d)
        var product = [Float](repeating: 0, count: d * d)
        var blockSum = [Float](repeating: 0, count: d)
        var newSum = sum, newGram = gram
        var start = 0
        while start < block.rows {
            let rows = min(rowsPerCall, block.rows - start)
            let finite = block.values.withUnsafeBufferPointer { px in
                scratch.withUnsafeMutableBufferPointer { ps in
                    blockSum.withUnsafeMutableBufferPointer { bs in
                        shift.withUnsafeBufferPointer { sh in
                            for j in 0..<d { bs[j] = 0 }
                            for i in 0..<rows {
                                let src = px.baseAddress! + (start + i) * d, dst = ps.baseAddress! + i * d
                                for j in 0..<d {
                                    let v = src[j] - sh[j]
                                    dst[j] = v
                                    bs[j] += v
                                }
                            }
                            // NaN and ±Inf propagate into the column sums (Inf − Inf is NaN).
                            return bs.allSatisfy { $0.isFinite }
                        }
                    }
                }
            }
            guard finite else {
                let first = block.values[(start * d)...].firstIndex { !$0.isFinite } ?? start * d
                throw ProbeError.nonFinite(what: name, row: count + first / d)
            }
            for j in 0..<d { newSum[j] += Double(blockSum[j]) }
            scratch.withUnsafeBufferPointer { pa in
                product.withUnsafeMutableBufferPointer { pc in
                    // Row-major, upper, transposed: product[D, D] = scratchᵀ scratch, scratch [rows, D].
                    ssyrkTransposed(n: d, k: rows, a: pa.baseAddress!, lda: d, c: pc.baseAddress!, ldc: d)
                }
            }
            product.withUnsafeBufferPointer { pc in
                newGram.withUnsafeMutableBufferPointer { pg in
                    for r in 0..<d { for c in r..<d { pg[r * d + c] += Double(pc[r * d + c]) } }
                }
            }
            start += rows
        }
        sum = newSum
        gram = newGram
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
