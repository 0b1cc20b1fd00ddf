import Foundation
import LinearAlgebra

/// A multinomial logistic-regression probe with an L2 penalty, fitted by L-BFGS — the same
/// objective, starting point (zeros) and stopping rules as scikit-learn's
/// `LogisticRegression(C=c, solver="lbfgs", max_iter=maxIterations, tol=tolerance)`:
/// minimise C Σᵢ logloss + ½‖W‖², intercept unpenalised (see `LogisticObjective`).
///
///     let probe = try LogisticProbe(c: 1).fit(xTrain, yTrain)
///     let metrics = try probe.score(xTest, yTest)
public struct LogisticProbe: Sendable, Equatable, Codable {
    /// Inverse regularisation strength (scikit-learn's C); larger means weaker.
    public var c: Double
    /// L-BFGS iteration cap (scikit-learn's `max_iter`).
    public var maxIterations: Int
    /// Stop when the largest gradient component of the mean-scaled objective is ≤ this
    /// (scikit-learn's `tol`, passed to L-BFGS-B as `gtol`).
    public var tolerance: Double
    /// L-BFGS history length (SciPy's `maxcor`).
    public var memory: Int

    public init(c: Double = 1, maxIterations: Int = 100, tolerance: Double = 1e-4, memory: Int = 10) {
        self.c = c
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.memory = memory
    }

    /// The same probe described by its penalty λ on the summed loss (Σ loss + λ/2 ‖W‖²): C = 1/λ.
    public init(l2: Double, maxIterations: Int = 100, tolerance: Double = 1e-4) {
        self.init(c: 1 / l2, maxIterations: maxIterations, tolerance: tolerance)
    }

    /// Fits the probe.
    ///
    /// Threads: the objective is summed by `BLASThreads.count` workers over disjoint row ranges;
    /// while they run, OpenBLAS is set to one thread (process-wide) and restored on return. The
    /// result is deterministic for a given thread count; counts differ by Float rounding only.
    /// - Parameters:
    ///   - x: `[n, D]` features, finite.
    ///   - y: `[n]` class indices ≥ 0.
    ///   - classes: K, the number of classes of the task (default max(y) + 1). Classes absent from
    ///     `y` get probability 0, as in scikit-learn, which only knows the classes it was fitted on.
    /// - Throws: `ProbeError.singleClass` when y has fewer than two distinct classes,
    ///   `.invalidParameter` for C ≤ 0 or bad labels, `.nonFinite`, `.shapeMismatch`.
    public func fit(_ x: Matrix, _ y: [Int], classes: Int? = nil) throws -> FittedLogisticProbe {
        guard c > 0, c.isFinite else {
            throw ProbeError.invalidParameter(name: "C", value: "\(c)", allowed: "a positive finite number")
        }
        guard maxIterations >= 1 else {
            throw ProbeError.invalidParameter(name: "max_iterations", value: "\(maxIterations)", allowed: "at least 1")
        }
        try requireCount("class labels", y.count, x.rows)
        try x.requireFinite("the probe features")
        let total = classes ?? ((y.max() ?? -1) + 1)
        if let bad = y.first(where: { $0 < 0 || $0 >= total }) {
            throw ProbeError.invalidParameter(name: "class label", value: "\(bad)", allowed: "in 0..<\(total)")
        }
        let present = Array(Set(y)).sorted()
        guard present.count >= 2 else {
            throw ProbeError.singleClass(label: present.first.map { "class \($0)" } ?? "none", samples: y.count)
        }
        // Fit on the classes present, numbered 0..<K, as scikit-learn's LabelEncoder does.
        let slot = Dictionary(uniqueKeysWithValues: present.enumerated().map { ($1, $0) })
        var objective = LogisticObjective(x: x, y: y.map { slot[$0]! }, classes: present.count,
                                          l2: 1 / (c * Double(x.rows)))
        // The threads the caller gave BLAS sum disjoint row ranges instead, each with single-threaded
        // BLAS (restored afterwards); a suite run that set BLAS to 1 thread keeps one worker.
        let blasThreads = BLASThreads.count
        objective.workers = blasThreads
        let splitsRows = objective.rowRanges.count > 1
        if splitsRows { BLASThreads.set(1) }
        defer { if splitsRows { BLASThreads.set(blasThreads) } }
        let workspace = LogisticObjective.Workspace(objective)
        let solver = LBFGS(memory: memory, maxIterations: maxIterations, gradientTolerance: tolerance)
        let result = solver.minimize([Double](repeating: 0, count: objective.parameterCount)) { w, g in
            objective.evaluate(w, &g, workspace)
        }
        let (k, d) = (objective.outputs, x.cols)
        return FittedLogisticProbe(
            weights: Matrix(rows: k, cols: d, values: result.x[0..<(k * d)].map { Float($0) }),
            intercept: result.x[(k * d)...].map { Float($0) },
            classes: present, totalClasses: total, iterations: result.iterations, evaluations: result.evaluations,
            stopReason: result.reason.rawValue, converged: result.converged, objective: result.value)
    }
}

/// A fitted logistic probe. K′ = 1 for two classes (one logit, the second class's), else K.
public struct FittedLogisticProbe: Sendable, Equatable, Codable {
    /// `[K′, D]`.
    public let weights: Matrix
    /// `[K′]`.
    public let intercept: [Float]
    /// The class indices seen in training, ascending; row c of `weights` belongs to `classes[c]`.
    public let classes: [Int]
    /// K, the width of `predictProbabilities`.
    public let totalClasses: Int
    public let iterations: Int
    /// Objective and gradient evaluations (one per line-search trial).
    public let evaluations: Int
    /// "gradient", "function" (converged), "maxIterations" or "lineSearch".
    public let stopReason: String
    public let converged: Bool
    /// The final value of the mean-scaled objective.
    public let objective: Double

    /// Class probabilities. - Parameter x: `[n, D]`. - Returns: `[n, K]`.
    public func predictProbabilities(_ x: Matrix) throws -> MatrixD {
        guard x.cols == weights.cols else {
            throw ProbeError.shapeMismatch(what: "logistic probe input", expected: "\(weights.cols) features", got: "\(x.cols)")
        }
        try x.requireFinite("the probe features")
        let logits = matmul(x, weights, transposeB: true)   // [n, K′] = X Wᵀ
        let k = weights.rows
        var out = MatrixD(zeros: x.rows, totalClasses)
        var row = [Double](repeating: 0, count: max(k, 2))
        for i in 0..<x.rows {
            if k == 1 {
                let p = 1 / (1 + exp(-(Double(logits.values[i]) + Double(intercept[0]))))
                out[i, classes[0]] = 1 - p
                out[i, classes[1]] = p
            } else {
                var top = -Double.infinity
                for c in 0..<k { row[c] = Double(logits.values[i * k + c]) + Double(intercept[c]); top = max(top, row[c]) }
                var total = 0.0
                for c in 0..<k { row[c] = exp(row[c] - top); total += row[c] }
                for c in 0..<k { out[i, classes[c]] = row[c] / total }
            }
        }
        return out
    }

    /// Most probable class (lowest index on ties). - Returns: `[n]`.
    public func predict(_ x: Matrix) throws -> [Int] {
        let p = try predictProbabilities(x)
        return (0..<p.rows).map { i in (0..<p.cols).max { p[i, $0] < p[i, $1] || (p[i, $0] == p[i, $1] && $0 > $1) }! }
    }

    /// Accuracy, balanced accuracy, macro-F1, confusion matrix and log-loss on `(x, y)`.
    public func score(_ x: Matrix, _ y: [Int]) throws -> ClassificationMetrics {
        try requireCount("class labels", y.count, x.rows)
        let p = try predictProbabilities(x)
        let predicted = (0..<p.rows).map { i in (0..<p.cols).max { p[i, $0] < p[i, $1] || (p[i, $0] == p[i, $1] && $0 > $1) }! }
        return ClassificationMetrics(truth: y, predicted: predicted, classes: totalClasses, probabilities: p)
    }
}
