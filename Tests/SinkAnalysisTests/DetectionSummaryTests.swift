import XCTest
import TestSupport
@testable import SinkAnalysis

/// The per-layer summary behind the `detect` table, on the planted layer.
final class DetectionSummaryTests: XCTestCase {
    func testPlantedLayerSummary() throws {
        let layer = try PlantedLayer.layer()
        let mask = try NormThreshold(tau: 100).detect(layer)
        let s = try LayerDetection(summarizing: layer, mask: mask, thresholdSource: "given")
        XCTAssertEqual(s.sinks, CountSummary(counts: [2, 2, 2]))
        XCTAssertEqual(s.sinks.meanPerImage, 2)
        // Sinks receive 4, the 14 other patches (17 - 3 - 8) / 14 each.
        XCTAssertEqual(try XCTUnwrap(s.sinkReceivedMean), 4, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(s.otherReceivedMean), 6.0 / 14, accuracy: 1e-6)
        XCTAssertEqual(try XCTUnwrap(s.receivedRatio), 4 / (6.0 / 14), accuracy: 1e-5)
        XCTAssertGreaterThan(try XCTUnwrap(s.normRatio), 200)
        XCTAssertEqual(s.prefix.count, 1)
        let cls = s.prefix[0]
        XCTAssertEqual(cls.role, "cls")
        // CLS receives 3 against a patch mean of (17 - 3) / 16.
        XCTAssertEqual(try XCTUnwrap(cls.receivedRatio), 3 / (14.0 / 16), accuracy: 1e-5)
        XCTAssertEqual(cls.topReceiverShare, 0, "sinks receive 4 > 3")
        XCTAssertEqual(s.clsIsAttentionSink, false)
        XCTAssertEqual(cls.criterionShare, 0)
        XCTAssertEqual(s.topSinkDimensions.first?.dimension, 2)
        XCTAssertEqual(s.normAttention?.tokens, 48)
        XCTAssertEqual(try XCTUnwrap(s.normAttention?.receivedRatio), 4 / (6.0 / 14), accuracy: 1e-5)
    }

    func testClsAsAttentionSinkAndNoReceived() throws {
        var received = PlantedLayer.received()
        for i in [0, 2] { received[i * 17] += 1.5; received[i * 17 + 1] -= 1.5 }  // CLS 4.5 > sinks 4 in two images
        let s = try LayerDetection(
            summarizing: try PlantedLayer.layer(received: received), mask: try RelativeNorm(k: 10).detect(try PlantedLayer.layer()),
            thresholdSource: "given")
        XCTAssertEqual(try XCTUnwrap(s.prefix[0].topReceiverShare), 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(s.clsIsAttentionSink, true)

        let noAttention = try PlantedLayer.layer(received: .some(nil))
        let t = try LayerDetection(summarizing: noAttention, mask: try NormThreshold(tau: 100).detect(noAttention), thresholdSource: "given")
        XCTAssertNil(t.clsIsAttentionSink)
        XCTAssertNil(t.receivedRatio)
        XCTAssertNil(t.normAttention)
    }

    func testEmptyMaskSummaryEncodes() throws {
        let layer = try PlantedLayer.layer()
        let mask = try NormThreshold(tau: 1e6).detect(layer)
        let s = try LayerDetection(summarizing: layer, mask: mask, thresholdSource: "given")
        XCTAssertEqual(s.sinks.total, 0)
        XCTAssertNil(s.normRatio)
        XCTAssertEqual(s.topSinkDimensions, [])
        let report = DetectionReport(
            store: "planted", method: "norm", parameters: ["tau": "1000000"], includePrefix: false, images: 3, tokens: 17,
            prefixTokens: 1, writtenKeys: [], layers: [s])
        let back = try JSONDecoder().decode(DetectionReport.self, from: Data(try report.json().utf8))
        XCTAssertEqual(back, report)
        XCTAssertTrue(report.table().contains("\n4     1e+06"), report.table())
    }

    func testMethodFactory() throws {
        XCTAssertEqual(try DetectionMethod(name: "norm").detector() as? NormThreshold, NormThreshold(tau: .auto))
        XCTAssertEqual(try DetectionMethod.norm.detector(tau: "12.5") as? NormThreshold, NormThreshold(tau: 12.5))
        XCTAssertEqual(try DetectionMethod.topk.detector(k: 3, includePrefix: true) as? TopKNorm, TopKNorm(k: 3, includePrefix: true))
        XCTAssertEqual(
            try DetectionMethod.sinkdim.detector(tau: "8", dimensions: [1, 2]) as? SinkDimensionScore,
            SinkDimensionScore(dimensions: [1, 2], tau: 8))
        XCTAssertThrowsError(try DetectionMethod(name: "nrom")) { error in
            XCTAssertEqual("\(error)", "Unknown detection method 'nrom'; choose one of norm, relative, topk, attention, massive, sinkdim.")
        }
        XCTAssertThrowsError(try DetectionMethod.topk.detector(k: 2.5))
        XCTAssertThrowsError(try DetectionMethod.relative.detector(m: 5)) { error in
            XCTAssertEqual("\(error)", "Detection method 'relative': m=5.0 is invalid; it must be left out: method relative reads only k.")
        }
        XCTAssertThrowsError(try DetectionMethod.sinkdim.detector(tau: "auto"))
    }
}
