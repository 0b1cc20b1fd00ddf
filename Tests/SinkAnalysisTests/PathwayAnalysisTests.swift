import ActivationStore
import Foundation
import TestSupport
import XCTest
@testable import SinkAnalysis

/// `PathwayAnalysis` on stores with planted structure recovers the planted factors, correlations and
/// dimension sets exactly.
/// Shares pass through f32 (`llm.received.{l}`), so they match to float precision (1e-8 absolute on
/// shares of about 1e-2); ratios and correlations to 1e-6 / 1e-12.
final class PathwayAnalysisTests: XCTestCase {
    let a = 0.01

    func testSinkShareFactorBucketsAndSpearman() throws {
        let store = try PlantedLVLM.scaledAttention().store(self)
        let report = try PathwayAnalysis.run(store: store, config: PathwayConfig(vitDetector: NormThreshold(tau: 10), buckets: 4), progress: false)
        XCTAssertEqual(report.vitSinks.total, 2)
        XCTAssertEqual(report.vitLayer, 11)
        XCTAssertEqual(report.attention.map(\.layer), [1, 2])
        let (l1, l2) = (report.attention[0], report.attention[1])
        XCTAssertEqual(l1.vitSinkRatio!, 7, accuracy: 1e-6, "planted: sinks get exactly 7x the ordinary share")
        XCTAssertEqual(l2.vitSinkRatio!, 3, accuracy: 1e-6)
        XCTAssertEqual(l1.ordinary.meanShare!, a, accuracy: 1e-8)
        XCTAssertEqual(l1.vitSinks.meanShare!, 7 * a, accuracy: 1e-8)
        XCTAssertEqual(l1.ordinary.imageTotalShare!, 15 * a, accuracy: 1e-8)
        XCTAssertEqual(l1.ordinary.tokens, 30)
        XCTAssertEqual(l1.emergedSinks.tokens, 0)
        XCTAssertNil(l1.emergedSinkRatio)
        // Share is a non-decreasing function of the norm with ties on both sides: the average ranks agree.
        XCTAssertEqual(l1.spearman!, 1, accuracy: 1e-12)
        XCTAssertEqual(l2.spearman!, 1, accuracy: 1e-12)

        // 32 tokens by norm: 10 ones, 10 twos, 10 threes, 2 sinks → buckets of 8.
        let b = try XCTUnwrap(report.normBuckets)
        XCTAssertEqual(b.buckets.map(\.tokens), [8, 8, 8, 8])
        XCTAssertEqual(b.buckets.map(\.lowerNorm), [1, 1, 2, 3])
        XCTAssertEqual(b.buckets.map(\.upperNorm), [1, 2, 3, 50])
        XCTAssertEqual(b.buckets.map(\.vitSinks), [0, 0, 0, 2])
        assertClose(b.meanShare[0], [0.5 * a, 7.0 / 8 * a, 1.25 * a, 23.0 / 8 * a], absolute: 1e-8)
        assertClose(b.meanShare[1], [0.5 * a, 7.0 / 8 * a, 1.25 * a, 15.0 / 8 * a], absolute: 1e-8)

        let map = try XCTUnwrap(report.relevance.first)
        XCTAssertEqual(map.vitSinks, [5])
        XCTAssertEqual(map.share[5], 5 * a, accuracy: 1e-8, "mean of 7a and 3a")
        XCTAssertEqual(map.grid, [4, 4])
        XCTAssertTrue(report.notes.contains { $0.contains("no LLM hidden states") })
    }

    func testPropagatedAndEmergedDimensions() throws {
        let store = try PlantedLVLM.massiveDimensions().store(self)
        let config = PathwayConfig(vitDetector: NormThreshold(tau: 10), llmCriterion: MassiveDimensions(abs: 100, ratio: 100))
        let report = try PathwayAnalysis.run(store: store, config: config, progress: false)
        XCTAssertEqual(report.vitSinks.total, 4)
        XCTAssertEqual(report.dimensionSplit.propagated, [5, 9])
        XCTAssertEqual(report.dimensionSplit.emerged, [17, 21])
        XCTAssertEqual(report.dimensionSplit.shared, [])
        XCTAssertEqual(report.emergedSinks.total, 3)

        let byLayer = Dictionary(uniqueKeysWithValues: report.dimensions.map { ($0.layer, $0) })
        XCTAssertEqual(byLayer[0]?.massiveTokens, 0)
        XCTAssertEqual(byLayer[1]?.propagationRate, 1)
        XCTAssertEqual(byLayer[2]?.propagationRate, 0.5)
        XCTAssertEqual(byLayer[1]?.propagatedDimensions.map(\.dimension), [5, 9])
        XCTAssertEqual(byLayer[1]?.propagatedDimensions.map(\.tokens), [4, 4])
        XCTAssertEqual(byLayer[1]?.emergedDimensions.map(\.dimension), [17])
        XCTAssertEqual(byLayer[2]?.emergedDimensions.map(\.dimension), [17, 21])
        XCTAssertEqual(byLayer[2]?.emergedDimensions.map(\.peak), [500, 450])
        XCTAssertEqual(byLayer[2]?.emerged, 3)

        for layer in report.attention {
            XCTAssertEqual(layer.vitSinkRatio!, 7, accuracy: 1e-6)
            XCTAssertEqual(layer.emergedSinkRatio!, 9, accuracy: 1e-6)
            XCTAssertEqual(layer.emergedSinks.tokens, 3)
        }
        let map = try XCTUnwrap(report.relevance.last)
        XCTAssertEqual(map.image, 2)
        XCTAssertEqual(map.vitSinks, [0, 4])
        XCTAssertEqual(map.emergedSinks, [2])
    }

    func testNoViTSinksAndJSONRoundTrip() throws {
        let store = try PlantedLVLM.scaledAttention().store(self)
        let report = try PathwayAnalysis.run(store: store, config: PathwayConfig(vitDetector: NormThreshold(tau: 1000)), progress: false)
        XCTAssertEqual(report.vitSinks.total, 0)
        XCTAssertNil(report.attention[0].vitSinkRatio)
        XCTAssertTrue(report.notes.contains { $0.hasPrefix("No ViT sinks by norm on layer 11") }, "\(report.notes)")
        let url = temporaryDirectory().appendingPathComponent("pathway.json")
        try report.json().write(to: url, atomically: true, encoding: .utf8)
        XCTAssertEqual(try PathwayReport.read(url), report)
        // Issue 18: one key style, snake_case, at every depth.
        func keys(_ value: Any) -> [String] {
            if let d = value as? [String: Any] { return d.keys.sorted() + d.values.flatMap(keys) }
            if let a = value as? [Any] { return a.flatMap(keys) }
            return []
        }
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        let pathwayKeys = keys(object).filter { $0 != "vit_parameters" }
        XCTAssertTrue(pathwayKeys.contains("mean_per_image") && pathwayKeys.contains("propagated_only"), "\(Set(pathwayKeys))")
        XCTAssertEqual(pathwayKeys.filter { $0.contains(where: \.isUppercase) }, [])
        XCTAssertTrue(report.table().contains("ViT sinks (norm include_prefix=false tau=1000): 0"), report.table())
    }

    func testBadInput() throws {
        let store = try PlantedLVLM.scaledAttention().store(self)
        XCTAssertThrowsError(try PathwayAnalysis.run(store: store, config: PathwayConfig(buckets: 0), progress: false)) { error in
            XCTAssertEqual("\(error)", "Pathway analysis: buckets=0 is invalid; it must be between 1 and 100.")
        }
        let url = temporaryDirectory("pathway-plain")
        defer { try? FileManager.default.removeItem(at: url) }
        let model = ModelInfo(name: "m", architecture: "vit", patchSize: 1, imageSize: 2, hiddenSize: 2, heads: 0, layers: 1, prefixTokens: 0, grid: [1, 2])
        let writer = try StoreWriter(url: url, model: model, layers: [1])
        try writer.append(ImageActivations(image: ImageEntry(id: "x", source: "x"), hidden: [1: [1, 2, 3, 4]]))
        try writer.commit()
        XCTAssertThrowsError(try PathwayAnalysis.run(store: try StoreReader(url: url), progress: false)) { error in
            XCTAssertEqual(error as? StoreError, .notLVLMStore(path: url.path))
        }
    }
}
