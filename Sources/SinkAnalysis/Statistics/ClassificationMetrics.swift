import Foundation
import LinearAlgebra

/// The scores of a classifier on one set of predictions, computed as scikit-learn does.
public struct ClassificationMetrics: Sendable, Equatable, Codable {
    public var accuracy: Double
    /// Mean recall over the classes present in the true labels (`balanced_accuracy_score`).
    public var balancedAccuracy: Double
    /// Unweighted mean F1 over the classes in the true or predicted labels (`f1_score(average="macro")`,
    /// a class never predicted has precision 0).
    public var macroF1: Double
    /// `[K][K]`: `confusion[true][predicted]` counts.
    public var confusion: [[Int]]
    /// Mean negative log-probability of the true class; nil without probabilities.
    public var logLoss: Double?

    /// - Parameters:
    ///   - truth: `[n]` class indices in `0..<classes`.
    ///   - predicted: `[n]` class indices.
    ///   - probabilities: optional `[n, K]` predicted class probabilities for `logLoss`.
    public init(truth: [Int], predicted: [Int], classes: Int, probabilities: MatrixD? = nil) {
        let confusion = Self.confusionMatrix(truth: truth, predicted: predicted, classes: classes)
        self.confusion = confusion
        let n = truth.count
        let correct = (0..<classes).reduce(0) { $0 + confusion[$1][$1] }
        accuracy = n == 0 ? 0 : Double(correct) / Double(n)
        var recalls: [Double] = [], f1s: [Double] = []
        for k in 0..<classes {
            let support = confusion[k].reduce(0, +)
            let predictedK = (0..<classes).reduce(0) { $0 + confusion[$1][k] }
            if support > 0 { recalls.append(Double(confusion[k][k]) / Double(support)) }
            if support > 0 || predictedK > 0 {
                // F1 = 2 TP / (2 TP + FP + FN), 0 when the class is neither true nor predicted correctly.
                f1s.append(2 * Double(confusion[k][k]) / Double(support + predictedK))
            }
        }
        balancedAccuracy = recalls.isEmpty ? 0 : recalls.reduce(0, +) / Double(recalls.count)
        macroF1 = f1s.isEmpty ? 0 : f1s.reduce(0, +) / Double(f1s.count)
        logLoss = probabilities.map { Self.logLoss(truth: truth, probabilities: $0) }
    }

    /// `[K][K]` counts of (true, predicted) pairs.
    public static func confusionMatrix(truth: [Int], predicted: [Int], classes: Int) -> [[Int]] {
        var m = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        for (t, p) in zip(truth, predicted) where t >= 0 && t < classes && p >= 0 && p < classes { m[t][p] += 1 }
        return m
    }

    /// Mean of −log p(true class); probabilities are clipped to [ε, 1 − ε] (ε = Double machine
    /// epsilon) as scikit-learn's `log_loss` does, so a confident mistake costs ~36, not infinity.
    /// - Parameter probabilities: `[n, K]`.
    public static func logLoss(truth: [Int], probabilities: MatrixD) -> Double {
        guard !truth.isEmpty else { return 0 }
        let eps = Double.ulpOfOne
        var total = 0.0
        for (i, t) in truth.enumerated() {
            total -= log(min(max(probabilities[i, t], eps), 1 - eps))
        }
        return total / Double(truth.count)
    }
}

/// The scores of a regressor, computed as scikit-learn does (`r2_score` with
/// `multioutput="uniform_average"`, `mean_squared_error`).
public struct RegressionMetrics: Sendable, Equatable, Codable {
    /// Mean over outputs of 1 − SS_res / SS_tot; an output with constant truth scores 1 when
    /// predicted exactly and 0 otherwise (scikit-learn's `force_finite`).
    public var r2: Double
    /// Mean squared error over all outputs and samples.
    public var mse: Double

    /// - Parameters: truth and predicted `[n, m]`.
    public init(truth: MatrixD, predicted: MatrixD) {
        let (n, m) = (truth.rows, truth.cols)
        var r2Sum = 0.0, sse = 0.0
        for j in 0..<m {
            var mean = 0.0
            for i in 0..<n { mean += truth[i, j] }
            mean /= Double(max(n, 1))
            var res = 0.0, tot = 0.0
            for i in 0..<n {
                let e = truth[i, j] - predicted[i, j], c = truth[i, j] - mean
                res += e * e; tot += c * c
            }
            sse += res
            r2Sum += tot > 0 ? 1 - res / tot : (res == 0 ? 1 : 0)
        }
        r2 = m == 0 ? 0 : r2Sum / Double(m)
        mse = n * m == 0 ? 0 : sse / Double(n * m)
    }
}
