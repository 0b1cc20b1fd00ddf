import LinearAlgebra

/// The result of `PCA.fit`: principal axes, their variances, and the mean removed before
/// projecting. Shapes use k components and D features.
public struct FittedPCA: Sendable, Equatable, Codable {
    /// `[k, D]` unit principal axes, by decreasing variance, each signed so that its entry of
    /// largest magnitude is positive (scikit-learn's `svd_flip(u_based_decision=False)`).
    public let components: Matrix
    /// `[k]` variance of the data along each axis (ddof 1), scikit-learn's `explained_variance_`.
    public let explainedVariance: [Double]
    /// `[k]` explained variance divided by the total variance of the data.
    public let explainedVarianceRatio: [Double]
    /// `[k]` singular values of the centred data, √((n − 1) · variance).
    public let singularValues: [Double]
    /// `[D]` the mean subtracted before projecting.
    public let mean: [Float]
    /// n, the samples the fit saw.
    public let samples: Int
    /// The method actually used (`.exact` or `.randomized`, never `.auto`).
    public let method: PCA.Method

    init(axes: Matrix, variance: [Double], totalVariance: Double, samples: Int, mean: [Float], method: PCA.Method) {
        var axes = axes
        for i in 0..<axes.rows {
            let row = axes.row(i)
            guard let largest = row.indices.max(by: { abs(row[$0]) < abs(row[$1]) }) else { continue }
            if row[largest] < 0 { for j in 0..<axes.cols { axes[i, j] = -axes[i, j] } }
        }
        components = axes
        explainedVariance = variance
        explainedVarianceRatio = variance.map { totalVariance > 0 ? $0 / totalVariance : 0 }
        singularValues = variance.map { ($0 * Double(samples - 1)).squareRoot() }
        self.mean = mean
        self.samples = samples
        self.method = method
    }

    /// Projects samples onto the axes: `(x − mean) · componentsᵀ`.
    /// - Parameter x: `[n, D]`. - Returns: `[n, k]`.
    public func transform(_ x: Matrix) throws -> Matrix {
        let d = mean.count
        guard x.cols == d else {
            throw ProbeError.shapeMismatch(what: "PCA transform", expected: "\(d) features", got: "\(x.cols)")
        }
        try x.requireFinite("the PCA input")
        var centred = x
        centred.values.withUnsafeMutableBufferPointer { p in
            for i in 0..<x.rows { for j in 0..<d { p[i * d + j] -= mean[j] } }
        }
        // Row-major: [n, D] · [k, D]ᵀ → [n, k] (transposeB, no copy of the axes).
        return matmul(centred, components, transposeB: true)
    }
}
