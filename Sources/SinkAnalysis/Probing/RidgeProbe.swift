import LinearAlgebra

/// Ridge regression for continuous targets (token position, pixel values), several outputs at
/// once, solved in closed form by Cholesky — scikit-learn's `Ridge(alpha, solver="cholesky")`:
///
///     minimise ‖Y − X W − 1 bᵀ‖² + α ‖W‖²      (intercept b unpenalised)
///
/// X and Y are centred (their means give b), then
/// - n ≥ D (primal): (X̄ᵀX̄ + α I) W = X̄ᵀȲ, a D × D system;
/// - n < D (dual, kernel form): (X̄X̄ᵀ + α I) A = Ȳ, W = X̄ᵀA, an n × n system;
/// each solved with `LAPACKE_dposv`. The products are formed in Double (dsyrk / dgemm on a
/// centred Double copy of X) because the normal equations square the condition number.
public struct RidgeProbe: Sendable, Equatable, Codable {
    /// Penalty α ≥ 0 (0 only works when X̄ᵀX̄ is positive definite).
    public var alpha: Double

    public init(alpha: Double = 1) { self.alpha = alpha }

    /// - Parameters: x `[n, D]`, y `[n, m]` targets. - Returns: the fitted probe.
    /// - Throws: `.invalidParameter` for α < 0, `.tooFewSamples` for n < 2, `.nonFinite`,
    ///   `.linearAlgebra(.notPositiveDefinite)` when α = 0 and the features are collinear.
    public func fit(_ x: Matrix, _ y: MatrixD) throws -> FittedRidgeProbe {
        guard alpha >= 0, alpha.isFinite else {
            throw ProbeError.invalidParameter(name: "alpha", value: "\(alpha)", allowed: "a finite number ≥ 0")
        }
        guard y.rows == x.rows else {
            throw ProbeError.shapeMismatch(what: "ridge targets", expected: "\(x.rows) rows", got: "\(y.rows)")
        }
        guard x.rows >= 2 else { throw ProbeError.tooFewSamples(samples: x.rows, folds: 2) }
        try x.requireFinite("the probe features")
        if let bad = y.values.firstIndex(where: { !$0.isFinite }) {
            throw ProbeError.nonFinite(what: "the regression targets", row: bad / max(y.cols, 1))
        }
        let (n, d, m) = (x.rows, x.cols, y.cols)
        let xMean = columnMeans(x)
        var yMean = [Double](repeating: 0, count: m)
        for i in 0..<n { for j in 0..<m { yMean[j] += y[i, j] } }
        yMean = yMean.map { $0 / Double(n) }
        var yc = y
        for i in 0..<n { for j in 0..<m { yc[i, j] -= yMean[j] } }
        let xc = centredDouble(x, xMean)

        var coefficients: MatrixD   // [D, m]
        if n >= d {
            var a = gram(xc)                                  // X̄ᵀX̄ [D, D]
            for i in 0..<d { a[i, i] += alpha }
            let b = matmul(xc, yc, transposeA: true)          // X̄ᵀȲ [D, m]
            coefficients = try lapackStep("ridge normal equations (dposv)") { try choleskySolve(a, b) }
        } else {
            var k = matmul(xc, xc, transposeB: true)          // X̄X̄ᵀ [n, n]
            for i in 0..<n { k[i, i] += alpha }
            let dual = try lapackStep("ridge kernel equations (dposv)") { try choleskySolve(k, yc) }
            coefficients = matmul(xc, dual, transposeA: true) // X̄ᵀA [D, m]
        }
        let w = coefficients.transposed                       // [m, D], scikit-learn's coef_ layout
        let intercept = (0..<m).map { j in yMean[j] - (0..<d).reduce(0.0) { $0 + xMean[$1] * w[j, $1] } }
        return FittedRidgeProbe(coefficients: w, intercept: intercept)
    }

    /// Single-output convenience: y `[n]`.
    public func fit(_ x: Matrix, _ y: [Double]) throws -> FittedRidgeProbe {
        try fit(x, MatrixD(rows: y.count, cols: 1, values: y))
    }

    private func centredDouble(_ x: Matrix, _ mean: [Double]) -> MatrixD {
        let (n, d) = (x.rows, x.cols)
        var out = MatrixD(zeros: n, d)
        out.values.withUnsafeMutableBufferPointer { po in
            x.values.withUnsafeBufferPointer { px in
                for i in 0..<n { for j in 0..<d { po[i * d + j] = Double(px[i * d + j]) - mean[j] } }
            }
        }
        return out
    }
}

/// A fitted ridge probe: ŷ = x Wᵀ + b.
public struct FittedRidgeProbe: Sendable, Equatable, Codable {
    /// `[m, D]` (scikit-learn's `coef_` for several outputs).
    public let coefficients: MatrixD
    /// `[m]`.
    public let intercept: [Double]

    /// - Parameter x: `[n, D]`. - Returns: `[n, m]`.
    public func predict(_ x: Matrix) throws -> MatrixD {
        guard x.cols == coefficients.cols else {
            throw ProbeError.shapeMismatch(what: "ridge probe input", expected: "\(coefficients.cols) features", got: "\(x.cols)")
        }
        try x.requireFinite("the probe features")
        var out = matmul(x.double, coefficients, transposeB: true)   // [n, D]·[m, D]ᵀ
        for i in 0..<out.rows { for j in 0..<out.cols { out[i, j] += intercept[j] } }
        return out
    }

    /// R² (uniform average over outputs) and MSE on `(x, y)`, y `[n, m]`.
    public func score(_ x: Matrix, _ y: MatrixD) throws -> RegressionMetrics {
        let p = try predict(x)
        guard y.rows == p.rows, y.cols == p.cols else {
            throw ProbeError.shapeMismatch(what: "ridge targets", expected: "\(p.rows)x\(p.cols)", got: "\(y.rows)x\(y.cols)")
        }
        return RegressionMetrics(truth: y, predicted: p)
    }
}
