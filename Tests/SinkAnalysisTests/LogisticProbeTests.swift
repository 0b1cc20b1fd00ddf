import XCTest
import LinearAlgebra
import TestSupport
@testable import SinkAnalysis

final class LogisticProbeTests: XCTestCase {
    /// Held-out accuracy within 0.5 points and log-loss within 1e-3 of
    /// `LogisticRegression(C, solver="lbfgs")`, binary and multinomial.
    func testMatchesScikitLearnOnHeldOutSplit() throws {
        let cases = try loadCases("logistic.json", as: LogisticFixture.self)
        XCTAssertEqual(cases.count, 2)
        for (name, ref) in cases {
            let fitted = try LogisticProbe(c: ref.C).fit(ref.x_train.float, ref.y_train, classes: ref.classes)
            let metrics = try fitted.score(ref.x_test.float, ref.y_test)
            XCTAssertEqual(metrics.accuracy, ref.accuracy, accuracy: 0.005, name)
            XCTAssertEqual(try XCTUnwrap(metrics.logLoss), ref.log_loss, accuracy: 1e-3, name)
            XCTAssertTrue(fitted.converged, "\(name): \(fitted.stopReason) after \(fitted.iterations)")
            XCTAssertEqual(fitted.weights.rows, ref.coef.rows, name)   // 1 row for binary, as sklearn
            // The optimum itself: coefficients agree loosely (both stop at gradient ≤ 1e-4).
            XCTAssertLessThan(maxRelativeError(fitted.weights.values, ref.coef.float.values), 5e-3, name)
        }
    }

    /// Tight tolerance: both optimisers reach the same optimum, so the weights must agree closely.
    func testConvergesToTheRegularisedOptimum() throws {
        let ref = try XCTUnwrap(try loadCases("logistic.json", as: LogisticFixture.self)["multinomial"])
        let fitted = try LogisticProbe(c: ref.C, maxIterations: 1000, tolerance: 1e-8).fit(ref.x_train.float, ref.y_train)
        // Optimality: ∇ of C Σ loss + ½‖W‖² vanishes ⇔ W = C Xᵀ(Y − P); check via a second fit from
        // the l2 spelling of the same penalty.
        let same = try LogisticProbe(l2: 1 / ref.C, maxIterations: 1000, tolerance: 1e-8).fit(ref.x_train.float, ref.y_train)
        XCTAssertLessThan(maxRelativeError(fitted.weights.values, same.weights.values), 1e-6)
        XCTAssertLessThan(maxRelativeError(fitted.weights.values, ref.coef.float.values), 2e-2)
    }

    func testStoppingRuleIsExposed() throws {
        let (x, y) = blobs(classes: 3, perClass: 40, features: 5, spread: 0.5)
        let capped = try LogisticProbe(c: 100, maxIterations: 2).fit(x, y)
        XCTAssertEqual(capped.iterations, 2)
        XCTAssertEqual(capped.stopReason, "maxIterations")
        XCTAssertFalse(capped.converged)
    }

    func testClassAbsentFromTrainingGetsZeroProbability() throws {
        let (x, y) = blobs(classes: 3, perClass: 20, features: 4)
        let keep = y.indices.filter { y[$0] != 1 }
        let fitted = try LogisticProbe().fit(x.rows(keep), keep.map { y[$0] }, classes: 3)
        let p = try fitted.predictProbabilities(x)
        XCTAssertEqual(p.cols, 3)
        for i in 0..<p.rows {
            XCTAssertEqual(p[i, 1], 0)
            XCTAssertEqual(p[i, 0] + p[i, 2], 1, accuracy: 1e-9)
        }
    }

    // MARK: - Degenerate input

    func testSingleClassIsATypedError() {
        let (x, _) = blobs(classes: 1, perClass: 10, features: 3)
        XCTAssertThrowsError(try LogisticProbe().fit(x, [Int](repeating: 2, count: 10))) { error in
            XCTAssertEqual(error as? ProbeError, .singleClass(label: "class 2", samples: 10))
            XCTAssertTrue("\(error)".contains("choose another label column"))
        }
    }

    func testNaNFeaturesAreATypedError() {
        var (x, y) = blobs(classes: 2, perClass: 10, features: 3)
        x[4, 0] = .infinity
        XCTAssertThrowsError(try LogisticProbe().fit(x, y)) { error in
            XCTAssertEqual(error as? ProbeError, .nonFinite(what: "the probe features", row: 4))
        }
    }

    func testBadRegularisationAndLabelCountAreTypedErrors() {
        let (x, y) = blobs(classes: 2, perClass: 10, features: 3)
        XCTAssertThrowsError(try LogisticProbe(c: 0).fit(x, y)) { error in
            XCTAssertEqual("\(error)", "C=0.0 must be a positive finite number.")
        }
        XCTAssertThrowsError(try LogisticProbe().fit(x, Array(y.dropLast()))) { error in
            guard case ProbeError.shapeMismatch = error else { return XCTFail("\(error)") }
        }
    }

    /// Zero-variance and n < D inputs are handled: the penalty keeps the problem strictly convex.
    func testZeroVarianceFeatureAndFewerSamplesThanFeatures() throws {
        var (x, y) = blobs(classes: 2, perClass: 6, features: 30, seed: 4)
        for i in 0..<x.rows { x[i, 3] = 1 }
        let fitted = try LogisticProbe().fit(x, y)
        XCTAssertTrue(fitted.converged)
        XCTAssertEqual(try fitted.score(x, y).accuracy, 1)
    }
}
