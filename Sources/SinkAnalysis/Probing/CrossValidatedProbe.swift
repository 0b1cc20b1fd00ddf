import LinearAlgebra

/// A cross-validated score: out-of-fold predictions from k probes, each fitted (with its own
/// standardiser) on the other folds, scored together, with a bootstrap interval over images.
public struct CrossValidatedScore: Sendable, Equatable, Codable {
    /// Accuracy (classification) or R² (regression) of the out-of-fold predictions.
    public var score: Double
    public var interval: ConfidenceInterval?
    /// Other metrics by name (balanced_accuracy, macro_f1, log_loss; mse).
    public var details: [String: Double]
}

/// Cross-validation of the logistic and ridge probes on in-memory samples — the code shared by
/// `sinkscope probe` and probe suites.
///
/// Splits: when some group (image) holds several samples, folds are grouped by image (and
/// stratified over images by label for classification), so no token of a test image is seen in
/// training; with one sample per image, plain stratified (classification) or shuffled k-fold.
public enum CrossValidatedProbe {
    /// - Parameters:
    ///   - x: `[s, D]` samples; y: `[s]` class indices in `0..<classes`; groups: `[s]` image ids.
    ///   - probe: the logistic probe to fit per fold.
    public static func classification(
        x: Matrix, y: [Int], classes: Int, groups: [Int], probe: LogisticProbe, folds: Int, seed: UInt64,
        standardize: Bool, bootstrap: Bootstrap?
    ) throws -> CrossValidatedScore {
        try requireCount("class labels", y.count, x.rows)
        let distinct = Set(y)
        guard distinct.count >= 2 else {
            throw ProbeError.singleClass(label: distinct.first.map { "class \($0)" } ?? "none", samples: y.count)
        }
        let splits = try makeFolds(groups: groups, labels: y, folds: folds, seed: seed)
        var probabilities = MatrixD(zeros: x.rows, classes)
        for fold in splits {
            var (train, test) = (x.rows(fold.train), x.rows(fold.test))
            if standardize {
                let s = try Standardizer().fit(train)
                train = try s.transform(train); test = try s.transform(test)
            }
            let fitted = try probe.fit(train, fold.train.map { y[$0] }, classes: classes)
            let p = try fitted.predictProbabilities(test)
            for (row, sample) in fold.test.enumerated() {
                for c in 0..<classes { probabilities[sample, c] = p[row, c] }
            }
        }
        let predicted = (0..<x.rows).map { i in (0..<classes).max { probabilities[i, $0] < probabilities[i, $1] || (probabilities[i, $0] == probabilities[i, $1] && $0 > $1) }! }
        let metrics = ClassificationMetrics(truth: y, predicted: predicted, classes: classes, probabilities: probabilities)
        let correct = zip(y, predicted).map { $0 == $1 ? 1.0 : 0.0 }
        let interval = try bootstrap?.interval(samples: x.rows, groups: groups) { idx in
            idx.reduce(0.0) { $0 + correct[$1] } / Double(idx.count)
        }
        return CrossValidatedScore(
            score: metrics.accuracy, interval: interval,
            details: ["balanced_accuracy": metrics.balancedAccuracy, "macro_f1": metrics.macroF1, "log_loss": metrics.logLoss ?? .nan])
    }

    /// - Parameters: x `[s, D]`, y `[s, m]` targets, groups `[s]` image ids.
    public static func regression(
        x: Matrix, y: MatrixD, groups: [Int], probe: RidgeProbe, folds: Int, seed: UInt64,
        standardize: Bool, bootstrap: Bootstrap?
    ) throws -> CrossValidatedScore {
        guard y.rows == x.rows else {
            throw ProbeError.shapeMismatch(what: "regression targets", expected: "\(x.rows) rows", got: "\(y.rows)")
        }
        let splits = try makeFolds(groups: groups, labels: nil, folds: folds, seed: seed)
        var predictions = MatrixD(zeros: y.rows, y.cols)
        for fold in splits {
            var (train, test) = (x.rows(fold.train), x.rows(fold.test))
            if standardize {
                let s = try Standardizer().fit(train)
                train = try s.transform(train); test = try s.transform(test)
            }
            var targets = MatrixD(zeros: fold.train.count, y.cols)
            for (row, sample) in fold.train.enumerated() { for j in 0..<y.cols { targets[row, j] = y[sample, j] } }
            let p = try probe.fit(train, targets).predict(test)
            for (row, sample) in fold.test.enumerated() { for j in 0..<y.cols { predictions[sample, j] = p[row, j] } }
        }
        let metrics = RegressionMetrics(truth: y, predicted: predictions)
        let interval = try bootstrap?.interval(samples: x.rows, groups: groups) { idx in
            var t = MatrixD(zeros: idx.count, y.cols), p = MatrixD(zeros: idx.count, y.cols)
            for (row, i) in idx.enumerated() { for j in 0..<y.cols { t[row, j] = y[i, j]; p[row, j] = predictions[i, j] } }
            return RegressionMetrics(truth: t, predicted: p).r2
        }
        return CrossValidatedScore(score: metrics.r2, interval: interval, details: ["mse": metrics.mse])
    }

    /// Grouped folds when some image contributes several samples, else per-sample folds.
    static func makeFolds(groups: [Int], labels: [Int]?, folds: Int, seed: UInt64) throws -> [Fold] {
        let cv = CrossValidation(folds: folds, seed: seed)
        if Set(groups).count < groups.count { return try cv.grouped(groups: groups, labels: labels) }
        if let labels { return try cv.stratified(labels: labels) }
        return try cv.kFold(count: groups.count)
    }
}
