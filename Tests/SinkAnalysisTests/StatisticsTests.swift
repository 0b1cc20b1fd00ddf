import XCTest
import LinearAlgebra
import TestSupport
@testable import SinkAnalysis

final class MetricsTests: XCTestCase {
    func testClassificationAndRegressionMetricsMatchScikitLearn() throws {
        let ref = try loadFixture("metrics.json", as: MetricsFixture.self)
        let m = ClassificationMetrics(truth: ref.truth, predicted: ref.predicted, classes: 4, probabilities: ref.probabilities.double)
        XCTAssertEqual(m.accuracy, ref.accuracy, accuracy: 1e-12)
        XCTAssertEqual(m.balancedAccuracy, ref.balanced_accuracy, accuracy: 1e-12)
        XCTAssertEqual(m.macroF1, ref.macro_f1, accuracy: 1e-12)
        XCTAssertEqual(m.confusion, ref.confusion)
        XCTAssertEqual(try XCTUnwrap(m.logLoss), ref.log_loss, accuracy: 1e-12)
        let r = RegressionMetrics(truth: ref.y_true.double, predicted: ref.y_pred.double)
        XCTAssertEqual(r.r2, ref.r2, accuracy: 1e-12)
        XCTAssertEqual(r.mse, ref.mse, accuracy: 1e-12)
    }
}

final class CrossValidationTests: XCTestCase {
    private func assertPartition(_ folds: [Fold], _ n: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(folds.flatMap(\.test).sorted(), Array(0..<n), "each sample tested once", file: file, line: line)
        for f in folds { XCTAssertTrue(Set(f.train).isDisjoint(with: f.test), file: file, line: line); XCTAssertEqual(f.train.count + f.test.count, n) }
    }

    func testKFoldIsASeededBalancedPartition() throws {
        let cv = CrossValidation(folds: 4, seed: 7)
        let folds = try cv.kFold(count: 10)
        assertPartition(folds, 10)
        XCTAssertEqual(folds.map(\.test.count).sorted(), [2, 2, 3, 3])
        XCTAssertEqual(try cv.kFold(count: 10), folds, "deterministic")
        XCTAssertNotEqual(try CrossValidation(folds: 4, seed: 8).kFold(count: 10), folds)
    }

    func testStratifiedKeepsClassProportions() throws {
        let labels = Array(repeating: 0, count: 30) + Array(repeating: 1, count: 10)
        let folds = try CrossValidation(folds: 5, seed: 1).stratified(labels: labels)
        assertPartition(folds, 40)
        for f in folds {
            XCTAssertEqual(f.test.filter { labels[$0] == 1 }.count, 2)
            XCTAssertEqual(f.test.filter { labels[$0] == 0 }.count, 6)
        }
    }

    func testGroupedNeverSplitsAGroup() throws {
        let groups = (0..<50).map { $0 / 5 }          // 10 images × 5 tokens
        let labels = groups.map { $0 % 2 }
        for folds in [try CrossValidation(folds: 5, seed: 3).grouped(groups: groups),
                      try CrossValidation(folds: 5, seed: 3).grouped(groups: groups, labels: labels)] {
            assertPartition(folds, 50)
            for f in folds {
                XCTAssertTrue(Set(f.train.map { groups[$0] }).isDisjoint(with: f.test.map { groups[$0] }))
                XCTAssertEqual(f.test.count, 10)
            }
        }
        let stratified = try CrossValidation(folds: 5, seed: 3).grouped(groups: groups, labels: labels)
        for f in stratified { XCTAssertEqual(Set(f.test.map { labels[$0] }), [0, 1], "both classes in each test fold") }
    }

    func testFewerSamplesOrGroupsThanFoldsAreTypedErrors() {
        XCTAssertThrowsError(try CrossValidation(folds: 5).kFold(count: 3)) { error in
            XCTAssertEqual(error as? ProbeError, .tooFewSamples(samples: 3, folds: 5))
            XCTAssertTrue("\(error)".contains("lower --folds"))
        }
        XCTAssertThrowsError(try CrossValidation(folds: 3).grouped(groups: [0, 0, 1, 1])) { error in
            XCTAssertEqual(error as? ProbeError, .tooFewGroups(groups: 2, folds: 3))
        }
        XCTAssertThrowsError(try CrossValidation(folds: 1).kFold(count: 3))
    }
}

final class HonestProbingTests: XCTestCase {
    func testControlTaskIsConsistentPerTypeAndKeepsTheDistribution() throws {
        let types = (0..<60).map { $0 / 3 }              // 20 images × 3 tokens
        let labels = types.map { $0 < 5 ? 2 : ($0 < 12 ? 1 : 0) }
        let control = try ControlTask.targets(labels, types: types, seed: 11)
        for t in 0..<20 { XCTAssertEqual(Set((0..<3).map { control[t * 3 + $0] }).count, 1, "consistent within a type") }
        XCTAssertEqual(control.sorted(), labels.sorted(), "same class distribution")
        XCTAssertNotEqual(control, labels)
        XCTAssertEqual(try ControlTask.targets(labels, types: types, seed: 11), control)
    }

    func testBootstrapIntervalCoversTheMeanAndIsSeeded() throws {
        let values = (0..<200).map { Double($0 % 10) }     // mean 4.5
        let stat: ([Int]) -> Double = { idx in idx.reduce(0.0) { $0 + values[$1] } / Double(idx.count) }
        let b = Bootstrap(resamples: 1000, level: 0.95, seed: 2)
        let ci = try b.interval(samples: 200, statistic: stat)
        XCTAssertLessThan(ci.lower, 4.5); XCTAssertGreaterThan(ci.upper, 4.5)
        // Standard error of the mean ≈ 2.87/√200 = 0.203 → half-width ≈ 0.40.
        XCTAssertEqual(ci.upper - ci.lower, 0.8, accuracy: 0.15)
        XCTAssertEqual(try b.interval(samples: 200, statistic: stat), ci)
        // Resampling whole groups of identical values widens the interval.
        let grouped = try b.interval(samples: 200, groups: (0..<200).map { $0 % 10 }, statistic: stat)
        XCTAssertGreaterThan(grouped.upper - grouped.lower, ci.upper - ci.lower)
        XCTAssertThrowsError(try Bootstrap(resamples: 0).interval(samples: 3, statistic: stat))
    }

    func testPermutationTestSeparatesSignalFromNoise() throws {
        let (x, y) = blobs(classes: 2, perClass: 30, features: 3, spread: 2)
        let score: ([Int]) throws -> Double = { labels in
            try LogisticProbe().fit(x, labels).score(x, labels).accuracy
        }
        let real = try score(y)
        let test = PermutationTest(permutations: 30, seed: 1)
        let result = try test.run(observed: real, targets: y, score: score)
        XCTAssertEqual(result.pValue, 1.0 / 31.0, accuracy: 1e-12, "no permutation beats real structure")
        XCTAssertLessThan(result.permutedMean, real)
        let noise = try test.run(observed: 0.5, targets: y, score: score)
        XCTAssertGreaterThan(noise.pValue, 0.5)
    }

    func testRandomBaselineMatchesCountsFromCandidates() throws {
        let candidates = [[1, 2, 3, 4, 5], [7, 8], [10, 11, 12]]
        let picks = try RandomBaseline.sample(counts: [2, 3, 0], candidates: candidates, seed: 4)
        XCTAssertEqual(picks.map(\.count), [2, 2, 0])
        for (p, c) in zip(picks, candidates) { XCTAssertTrue(Set(p).isSubset(of: c)); XCTAssertEqual(Set(p).count, p.count) }
        XCTAssertEqual(try RandomBaseline.sample(counts: [2, 3, 0], candidates: candidates, seed: 4), picks)
    }
}

final class StandardizerTests: XCTestCase {
    func testFitsOnTrainingAndLeavesConstantFeaturesUnscaled() throws {
        let x = Matrix(rows: 4, cols: 2, values: [1, 5, 3, 5, 5, 5, 7, 5])
        let s = try Standardizer().fit(x)
        XCTAssertEqual(s.mean, [4, 5])
        XCTAssertEqual(s.scale[0], Float(5).squareRoot(), accuracy: 1e-6)   // population std of 1,3,5,7
        XCTAssertEqual(s.scale[1], 1)
        let z = try s.transform(x)
        XCTAssertEqual(z.column(1), [0, 0, 0, 0])
        XCTAssertEqual(z.column(0).reduce(0, +), 0, accuracy: 1e-6)
    }
}
