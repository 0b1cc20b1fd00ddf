import XCTest
import TestSupport
@testable import SinkAnalysis

/// NormCalibration finds planted gaps, refuses unimodal data; the mixture matches scikit-learn.
final class DetectionCalibrationTests: XCTestCase {
    /// Log-normal norms: median `median`, log-σ `sigma`.
    func logNormal(_ count: Int, median: Double, sigma: Double, seed: UInt64) -> [Float] {
        var rng = TestRandom(seed: seed)
        return (0..<count).map { _ in Float(median * exp(sigma * rng.normal())) }
    }

    func testFindsPlantedGap() {
        let bulk = logNormal(2000, median: 50, sigma: 0.2, seed: 1)
        let sinks = logNormal(40, median: 400, sigma: 0.05, seed: 2)
        let result = NormCalibration().calibrate(norms: bulk + sinks)
        XCTAssertTrue(result.hasSeparateMode, result.verdict)
        XCTAssertEqual(result.gap?.upperCount, 40)
        XCTAssertEqual(result.mixtureUpperCount, 40)
        let tau = try! XCTUnwrap(result.tau)
        XCTAssertGreaterThan(tau, Double(bulk.max()!))
        XCTAssertLessThan(tau, Double(sinks.min()!))
        // tau is the geometric midpoint of the gap.
        XCTAssertEqual(tau, (Double(bulk.max()!) * Double(sinks.min()!)).squareRoot(), accuracy: 1e-3 * tau)
        XCTAssertEqual(result.histogram.counts.reduce(0, +), 2040)
        XCTAssertTrue(result.verdict.hasPrefix("A separate high-norm mode of 40 tokens"), result.verdict)
    }

    func testNoSeparateModeOnLogNormalBulk() {
        for seed: UInt64 in [3, 4] {
            let result = NormCalibration().calibrate(norms: logNormal(2000, median: 50, sigma: 0.3, seed: seed))
            XCTAssertFalse(result.hasSeparateMode, result.verdict)
            XCTAssertNil(result.tau)
            XCTAssertTrue(result.verdict.hasPrefix("No separate high-norm mode: "), result.verdict)
        }
    }

    func testTwoOutliersAreNotAMode() {
        let norms = logNormal(1000, median: 50, sigma: 0.2, seed: 6) + [900, 1000]
        let result = NormCalibration().calibrate(norms: norms)
        XCTAssertFalse(result.hasSeparateMode, result.verdict)
    }

    func testEqualNormsAndTooFewTokens() {
        let equal = NormCalibration().calibrate(norms: [Float](repeating: 7, count: 100))
        XCTAssertFalse(equal.hasSeparateMode)
        XCTAssertEqual(equal.verdict, "No separate high-norm mode: all token norms are equal.")
        let few = NormCalibration().calibrate(norms: [1, 2, 100])
        XCTAssertEqual(few.verdict, "No separate high-norm mode: only 3 usable token norms; calibration needs at least 20.")
    }

    func testAutoOnLayerWithoutModeDetectsNothing() throws {
        let norms = logNormal(3 * 17, median: 40, sigma: 0.2, seed: 9)
        let layer = try LayerActivations(
            layer: 2, imageCount: 3, tokenCount: 17, hiddenSize: 1, prefixTokens: 1,
            hidden: nil, norms: norms, received: nil)
        let mask = try NormThreshold(tau: .auto).detect(layer)
        XCTAssertEqual(mask.total, 0)
        XCTAssertNil(mask.threshold)
        XCTAssertEqual(mask.calibration?.hasSeparateMode, false)
        XCTAssertTrue(mask.notes.first?.hasSuffix("No sinks detected.") ?? false, "\(mask.notes)")
    }

    // MARK: - Mixture against scikit-learn

    struct Case: Decodable {
        struct Start: Decodable { var weights, means, variances: [Double] }
        var name: String; var x: [Double]; var start: Start
        var weights, means, variances: [Double]
        var log_likelihood: Double
        var iterations: Int
    }

    func testMixtureMatchesScikitLearn() throws {
        let data = try Data(contentsOf: Fixtures.url("detection/gmm1d.json"))
        let cases = try JSONDecoder().decode([String: [Case]].self, from: data)["cases"] ?? []
        XCTAssertEqual(cases.count, 2)
        for c in cases {
            let start = (0..<2).map {
                GaussianMixture1D.Component(weight: c.start.weights[$0], mean: c.start.means[$0], variance: c.start.variances[$0])
            }
            // Same number of EM steps as scikit-learn (tolerance -inf never stops early).
            let em = GaussianMixture1D(maxIterations: c.iterations, tolerance: -.infinity, relativeVarianceFloor: 0)
            let fit = em.fit(c.x, start: start)
            XCTAssertEqual(fit.iterations, c.iterations, c.name)
            assertClose(fit.components.map(\.weight), c.weights, absolute: 1e-9, relative: 1e-8, c.name)
            assertClose(fit.components.map(\.mean), c.means, absolute: 1e-9, relative: 1e-8, c.name)
            assertClose(fit.components.map(\.variance), c.variances, absolute: 1e-10, relative: 1e-7, c.name)
            XCTAssertEqual(fit.logLikelihood, c.log_likelihood, accuracy: 1e-8 * abs(c.log_likelihood), c.name)
        }
    }

    func testSeparationAndBoundary() {
        // Equal weights and variances: the boundary is the midpoint; D = √2 · 4 / √2 = 4.
        let fit = GaussianMixture1D.Fit(
            components: [.init(weight: 0.5, mean: 0, variance: 1), .init(weight: 0.5, mean: 4, variance: 1)],
            logLikelihood: 0, iterations: 0, converged: true)
        XCTAssertEqual(fit.separation, 4, accuracy: 1e-12)
        XCTAssertEqual(fit.boundary ?? .nan, 2, accuracy: 1e-9)
    }
}
