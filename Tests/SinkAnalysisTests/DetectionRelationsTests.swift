import XCTest
import TestSupport
@testable import SinkAnalysis

/// Correlations, agreement, persistence and sink dimensions on small cases with known answers.
final class DetectionRelationsTests: XCTestCase {
    func testAverageRanksWithTies() {
        XCTAssertEqual(Correlation.averageRanks([10, 20, 20, 30]), [1, 2.5, 2.5, 4])
        XCTAssertEqual(Correlation.averageRanks([5, 5, 5]), [2, 2, 2])
        XCTAssertEqual(Correlation.averageRanks([3, 1, 2]), [3, 1, 2])
    }

    func testHandComputedCorrelations() throws {
        // x = [1, 2, 2, 3, 4], y = [2, 1, 4, 3, 5].
        // Ranks of x: [1, 2.5, 2.5, 4, 5]; deviations [-2, -.5, -.5, 1, 2], of y: [-1, -2, 1, 0, 2].
        // ρ = 6.5 / √(9.5 · 10) = 6.5 / √95. Pearson: Σdxdy = 5, Σdx² = 5.2, Σdy² = 10 → r = 5 / √52.
        let x: [Double] = [1, 2, 2, 3, 4], y: [Double] = [2, 1, 4, 3, 5]
        XCTAssertEqual(try XCTUnwrap(Correlation.spearman(x, y)), 6.5 / 95.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(Correlation.pearson(x, y)), 5 / 52.0.squareRoot(), accuracy: 1e-12)
        // Ties on both sides; reference values from scipy.stats.spearmanr / pearsonr.
        let a: [Double] = [3, 1, 4, 1, 5, 9, 2, 6], b: [Double] = [2, 7, 1, 8, 2, 8, 1, 8]
        XCTAssertEqual(try XCTUnwrap(Correlation.spearman(a, b)), 0.19885368120992467, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(Correlation.pearson(a, b)), 0.2096553190730121, accuracy: 1e-12)
        XCTAssertNil(Correlation.pearson([1, 1, 1], [1, 2, 3]), "constant side: undefined")
        XCTAssertNil(Correlation.spearman([1], [2]))
    }

    func testJaccard() throws {
        let a: [UInt8] = [0, 1, 1, 1, 0, 0], b: [UInt8] = [0, 0, 1, 1, 1, 1]
        let agreement = try MaskAgreement(layer: 3, a, b)
        XCTAssertEqual(agreement.intersection, 2)
        XCTAssertEqual(agreement.union, 5)
        XCTAssertEqual(agreement.jaccard, 0.4)
        XCTAssertNil(try MaskAgreement(layer: 0, [0, 0], [0, 0]).jaccard)
        XCTAssertEqual(try MaskAgreement(layer: 0, a, a).jaccard, 1)
        XCTAssertThrowsError(try MaskAgreement(layer: 1, [0], [0, 1]))
    }

    func testPersistence() throws {
        let masks: [(layer: Int, mask: [UInt8])] = [
            (8, [0, 1, 1, 0, 1, 0]), (0, [0, 0, 0, 0, 0, 0]), (4, [0, 1, 0, 0, 1, 1]), (12, [0, 1, 1, 0, 1, 0]),
        ]
        let p = try SinkPersistence(method: "norm", masks: masks)
        XCTAssertEqual(p.firstSinkLayer, 4)
        XCTAssertEqual(p.sinksPerLayer.map(\.layer), [0, 4, 8, 12])
        XCTAssertEqual(p.sinksPerLayer.map(\.sinks), [0, 3, 3, 3])
        XCTAssertEqual(p.transitions.map(\.from), [0, 4, 8])
        XCTAssertNil(p.transitions[0].share)
        XCTAssertEqual(p.transitions[1].kept, 2)
        XCTAssertEqual(p.transitions[1].share, 2.0 / 3)
        XCTAssertEqual(p.transitions[2].share, 1)
        XCTAssertThrowsError(try SinkPersistence(method: "norm", masks: [(0, [1])])) { error in
            XCTAssertEqual("\(error)", "Sink persistence needs at least two layers but got 1.")
        }
    }

    func testNormAttentionRelation() throws {
        // One image, CLS + 4 patches; CLS left out. Patch norms [1, 2, 2, 8], received [0.5, 0.4, 0.6, 2.5].
        let norms: [Float] = [9, 1, 2, 2, 8], received: [Float] = [1, 0.5, 0.4, 0.6, 2.5]
        let mask: [UInt8] = [0, 0, 0, 0, 1]
        let r = try NormAttentionRelation(layer: 2, norms: norms, received: received, mask: mask, tokenCount: 5, prefixTokens: 1)
        XCTAssertEqual(r.tokens, 4)
        // Ranks: norms [1, 2.5, 2.5, 4], received [2, 1, 3, 4]; deviations [-1.5, 0, 0, 1.5] and
        // [-.5, -1.5, .5, 1.5] → Σdxdy = 3, Σdx² = 4.5, Σdy² = 5, ρ = 3 / √22.5.
        XCTAssertEqual(try XCTUnwrap(r.spearman), 3 / 22.5.squareRoot(), accuracy: 1e-12)
        let expectedPearson = Correlation.pearson([1, 2, 2, 8], [0.5, 0.4, 0.6, 2.5].map { Double(Float($0)) })
        XCTAssertEqual(r.pearson, expectedPearson)
        XCTAssertEqual(try XCTUnwrap(r.meanReceivedSinks), 2.5, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(r.meanReceivedOthers), 0.5, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(r.receivedRatio), 5, accuracy: 1e-5)
        let withCLS = try NormAttentionRelation(layer: 2, norms: norms, received: received, tokenCount: 5, prefixTokens: 1, includePrefix: true)
        XCTAssertEqual(withCLS.tokens, 5)
        XCTAssertNil(withCLS.meanReceivedSinks)
    }

    func testSinkDimensionDiscoveryOnPlantedLayer() throws {
        let layer = try PlantedLayer.layer()
        let mask = try RelativeNorm(k: 10).detect(layer)
        let discovery = SinkDimensionDiscovery(top: 3, minLayers: 2)
        let ranked = try discovery.rank(
            layer: 4, hidden: layer.hidden ?? [], mask: mask.values, tokenCount: 17, hiddenSize: 64, prefixTokens: 1)
        XCTAssertEqual(ranked.sinkTokens, 6)
        XCTAssertEqual(ranked.top.first?.dimension, 2)
        XCTAssertEqual(ranked.top.first?.sinkMeanAbs ?? 0, 1200, accuracy: 1e-9)
        XCTAssertEqual(ranked.top[1].dimension, 5)
        // Dimension 5 at sinks: (900 + five uniform entries) / 6, far above its mean |x| ≈ 0.5 elsewhere.
        XCTAssertGreaterThan(ranked.top[1].ratio, 200)
        var other = ranked
        other.layer = 6
        other.top = [ranked.top[0]]
        let report = discovery.summarize(method: "relative", [other, ranked])
        XCTAssertEqual(report.layers.map(\.layer), [4, 6])
        XCTAssertEqual(report.recurring, [.init(dimension: 2, layers: [4, 6], meanRank: 1)])
        let empty = try discovery.rank(
            layer: 1, hidden: layer.hidden ?? [], mask: [UInt8](repeating: 0, count: 51), tokenCount: 17, hiddenSize: 64, prefixTokens: 1)
        XCTAssertEqual(empty.top, [])
    }
}
