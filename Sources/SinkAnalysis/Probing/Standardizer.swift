import LinearAlgebra

/// Feature standardisation (z-scores), fitted on a training fold only so no statistic of the
/// test fold leaks into the probe.
///
/// Like scikit-learn's `StandardScaler`: the population standard deviation (ddof 0), and a
/// zero-variance feature gets scale 1 — it becomes all zeros after centring and so carries no
/// weight in an L2-regularised probe, rather than dividing by zero.
public struct Standardizer: Sendable, Equatable, Codable {
    public init() {}

    /// - Parameter x: `[n, d]` training features, n ≥ 1, finite.
    public func fit(_ x: Matrix) throws -> FittedStandardizer {
        guard x.rows >= 1 else { throw ProbeError.tooFewSamples(samples: x.rows, folds: 1) }
        try x.requireFinite("the features")
        let (n, d) = (x.rows, x.cols)
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(x.values[i * d + j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        var variance = [Double](repeating: 0, count: d)
        for i in 0..<n {
            for j in 0..<d {
                let c = Double(x.values[i * d + j]) - mean[j]
                variance[j] += c * c
            }
        }
        let scale = (0..<d).map { j -> Float in
            let s = (variance[j] / Double(n)).squareRoot()
            // Constant up to Double round-off of the mean: leave unscaled (scale 1).
            return s > 1e-9 * max(abs(mean[j]), 1) ? Float(s) : 1
        }
        return FittedStandardizer(mean: mean.map { Float($0) }, scale: scale)
    }
}

/// A fitted standardiser: `(x − mean) / scale` per feature.
public struct FittedStandardizer: Sendable, Equatable, Codable {
    /// `[d]`.
    public let mean: [Float]
    /// `[d]`, 1 for zero-variance features.
    public let scale: [Float]

    /// - Parameter x: `[n, d]`. - Returns: `[n, d]`.
    public func transform(_ x: Matrix) throws -> Matrix {
        guard x.cols == mean.count else {
            throw ProbeError.shapeMismatch(what: "standardize", expected: "\(mean.count) features", got: "\(x.cols)")
        }
        var out = x
        let d = x.cols
        let inverse = scale.map { 1 / $0 }
        out.values.withUnsafeMutableBufferPointer { p in
            for i in 0..<x.rows {
                for j in 0..<d { p[i * d + j] = (p[i * d + j] - mean[j]) * inverse[j] }
            }
        }
        return out
    }
}
