import LinearAlgebra

/// Principal component analysis as an estimator: construction stores hyperparameters,
/// `fit` validates and learns, and returns a `FittedPCA`.
///
///     let fitted = try PCA(components: 10).fit(x)          // x [n, D]
///     let z = try fitted.transform(x)                        // [n, 10]
///
/// Methods:
/// - `.exact` — n ≥ D: the covariance is accumulated (`CovarianceAccumulator`, ssyrk in
///   blocks into Double) and its top k eigenpairs taken with `LAPACKE_dsyevr`; n < D: thin SVD
///   of the centred data with `LAPACKE_dgesdd` (cheaper than a D×D covariance).
/// - `.randomized` — Halko, Martinsson & Tropp 2011, Algorithm 4.4 (randomized subspace
///   iteration): a Gaussian sketch of k + `oversamples` columns, `powerIterations` passes
///   re-orthonormalised by QR, then an SVD of the small projected matrix.
/// - `.auto` — `.exact` when min(n, D) ≤ 2048 (for D ≤ 2048 the covariance costs n D² flops,
///   no more than randomized's ~32 n D (k + p) at k = 32 and 7 iterations, and it is exact);
///   `.randomized` otherwise.
///
/// Signs are deterministic: each component is flipped so that its entry of largest absolute
/// value is positive — scikit-learn's `svd_flip(u_based_decision=False)`, used by its PCA.
public struct PCA: Sendable, Equatable, Codable {
    public enum Method: String, Sendable, Codable, CaseIterable { case exact, randomized, auto }

    /// k, the number of components to keep.
    public var components: Int
    public var method: Method
    /// Seed of the randomized sketch (unused by `.exact`).
    public var seed: UInt64
    /// Extra sketch columns beyond k (scikit-learn's `n_oversamples`, default 10).
    public var oversamples: Int
    /// Power iterations; nil picks scikit-learn's rule: 7 when k < 0.1 min(n, D), else 4.
    public var powerIterations: Int?

    public init(components: Int, method: Method = .auto, seed: UInt64 = 0, oversamples: Int = 10,
                powerIterations: Int? = nil) {
        self.components = components
        self.method = method
        self.seed = seed
        self.oversamples = oversamples
        self.powerIterations = powerIterations
    }

    /// Fits the principal axes of `x`.
    /// - Parameter x: `[n, D]` samples in rows, n ≥ 2, finite.
    /// - Throws: `ProbeError.invalidParameter` when k is not in `1...min(n, D)`,
    ///   `.tooFewSamples` for n < 2, `.nonFinite` for NaN/Inf, `.linearAlgebra` if LAPACK fails.
    public func fit(_ x: Matrix) throws -> FittedPCA {
        guard x.rows >= 2 else { throw ProbeError.tooFewSamples(samples: x.rows, folds: 2) }
        try validateComponents(samples: x.rows, features: x.cols)
        if resolvedMethod(samples: x.rows, features: x.cols) == .exact, x.rows >= x.cols {
            var accumulator = CovarianceAccumulator(features: x.cols)   // checks finiteness as it goes
            accumulator.name = "the PCA input"
            try accumulator.add(x)
            return try fit(accumulator)
        }
        try x.requireFinite("the PCA input")
        return x.rows < x.cols && resolvedMethod(samples: x.rows, features: x.cols) == .exact
            ? try fitBySVD(x) : try fitRandomized(x)
    }

    /// Exact PCA from a streamed covariance — the path for data larger than memory (a store read
    /// shard by shard). Uses the covariance eigendecomposition whatever `method` says.
    public func fit(_ accumulator: CovarianceAccumulator) throws -> FittedPCA {
        let d = accumulator.features
        try validateComponents(samples: accumulator.count, features: d)
        let cov = try accumulator.covariance(ddof: 1)
        let total = (0..<d).reduce(0.0) { $0 + cov[$1, $1] }
        let top = try lapackStep("PCA eigendecomposition (dsyevr)") { try symmetricEigen(cov, largest: components) }
        // dsyevr returns ascending order; PCA wants the largest first.
        let k = components
        var axes = Matrix(zeros: k, d)
        var variance = [Double](repeating: 0, count: k)
        for i in 0..<k {
            let src = k - 1 - i
            variance[i] = max(top.values[src], 0)   // round-off can make a null direction slightly negative
            for j in 0..<d { axes[i, j] = Float(top.vectors[j, src]) }
        }
        return FittedPCA(axes: axes, variance: variance, totalVariance: total, samples: accumulator.count,
                         mean: accumulator.mean.map { Float($0) }, method: .exact)
    }

    // MARK: - Exact by SVD (n < D)

    private func fitBySVD(_ x: Matrix) throws -> FittedPCA {
        let (n, d) = (x.rows, x.cols)
        let mean = columnMeans(x)
        var centred = MatrixD(zeros: n, d)
        for i in 0..<n { for j in 0..<d { centred.values[i * d + j] = Double(x.values[i * d + j]) - mean[j] } }
        let (_, s, vt) = try lapackStep("PCA SVD (dgesdd)") { try svd(centred) }
        let variances = s.map { $0 * $0 / Double(n - 1) }
        var axes = Matrix(zeros: components, d)
        for i in 0..<components { for j in 0..<d { axes[i, j] = Float(vt[i, j]) } }
        return FittedPCA(axes: axes, variance: Array(variances[0..<components]), totalVariance: variances.reduce(0, +),
                         samples: n, mean: mean.map { Float($0) }, method: .exact)
    }

    // MARK: - Helpers

    func resolvedMethod(samples n: Int, features d: Int) -> Method {
        switch method {
        case .auto: return min(n, d) <= 2048 ? .exact : .randomized
        default: return method
        }
    }

    private func validateComponents(samples n: Int, features d: Int) throws {
        guard components >= 1, components <= min(n, d) else {
            throw ProbeError.invalidParameter(
                name: "components", value: "\(components)",
                allowed: "between 1 and min(samples, features) = min(\(n), \(d)) = \(min(n, d))")
        }
    }
}

/// Column means in Double, `[D]`, for x `[n, D]`. Rows are summed in Float over blocks of 256
/// (a vectorisable inner loop), the block sums in Double.
func columnMeans(_ x: Matrix) -> [Double] {
    let (n, d) = (x.rows, x.cols)
    var total = [Double](repeating: 0, count: d)
    var block = [Float](repeating: 0, count: d)
    x.values.withUnsafeBufferPointer { p in
        total.withUnsafeMutableBufferPointer { t in
            block.withUnsafeMutableBufferPointer { b in
                var i = 0
                while i < n {
                    let end = min(i + 256, n)
                    for j in 0..<d { b[j] = 0 }
                    for row in i..<end {
                        let base = p.baseAddress! + row * d
                        for j in 0..<d { b[j] += base[j] }
                    }
                    for j in 0..<d { t[j] += Double(b[j]) }
                    i = end
                }
            }
        }
    }
    return total.map { $0 / Double(max(n, 1)) }
}
