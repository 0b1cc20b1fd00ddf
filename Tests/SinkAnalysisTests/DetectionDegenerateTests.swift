import XCTest
import TestSupport
@testable import SinkAnalysis

/// Degenerate input gets one clear sentence (an error) or a documented empty result, never a crash.
final class DetectionDegenerateTests: XCTestCase {
    func assertThrows(
        _ expected: DetectionError, _ body: () throws -> Any, file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            XCTAssertEqual(error as? DetectionError, expected, file: file, line: line)
            let sentence = "\(error)"
            XCTAssertTrue(sentence.hasSuffix("."), sentence, file: file, line: line)
            XCTAssertFalse(sentence.contains("\n"), sentence, file: file, line: line)
        }
    }

    /// Bulk only: no planted sink, uniform attention.
    func layerWithoutSinks() throws -> LayerActivations {
        var rng = TestRandom(seed: 11)
        let x = (0..<(2 * 9 * 64)).map { _ in Float(rng.uniform() * 2 - 1) }
        return try LayerActivations(
            layer: 1, imageCount: 2, tokenCount: 9, hiddenSize: 64, prefixTokens: 1, hidden: x,
            received: [Float](repeating: 1, count: 18), source: "bulk")
    }

    func testLayerWithNoSinksGivesEmptyMasks() throws {
        let layer = try layerWithoutSinks()
        let detectors: [any SinkDetector] = [
            NormThreshold(tau: 100), NormThreshold(tau: .auto), RelativeNorm(k: 3), ReceivedAttentionThreshold(m: 2),
            MassiveDimensions(), SinkDimensionScore(dimensions: nil, tau: 5),
        ]
        for detector in detectors {
            let mask = try detector.detect(layer)
            XCTAssertEqual(mask.total, 0, detector.name)
            XCTAssertEqual(mask.counts, [0, 0], detector.name)
        }
        let sinkdim = try SinkDimensionScore(dimensions: nil, tau: 5).detect(layer)
        XCTAssertEqual(sinkdim.notes, [
            "Layer 1: no dimension has |x_d| / RMS(x) > 5 in enough images, so there are no sink dimensions and no sinks.",
        ])
    }

    func testEqualNorms() throws {
        let layer = try LayerActivations(
            layer: 3, imageCount: 2, tokenCount: 30, hiddenSize: 1, prefixTokens: 1, hidden: nil,
            norms: [Float](repeating: 5, count: 60), received: nil, source: "flat")
        XCTAssertEqual(try RelativeNorm(k: 1.5).detect(layer).total, 0)
        let auto = try NormThreshold(tau: .auto).detect(layer)
        XCTAssertEqual(auto.total, 0)
        XCTAssertEqual(auto.notes, ["Layer 3: No separate high-norm mode: all token norms are equal. No sinks detected."])
        assertThrows(.constantNorms(source: "flat", layer: 3, image: 0)) { try TopKNorm(k: 2).detect(layer) }
        XCTAssertEqual(
            "\(DetectionError.constantNorms(source: "flat", layer: 3, image: 0))",
            "flat: every candidate token of image 0 at layer 3 has the same norm, so a top-k ranking would be arbitrary; use a threshold method instead.")
    }

    func testNonFiniteHiddenStates() throws {
        var x = PlantedLayer.hidden()
        x[(1 * 17 + 6) * 64 + 10] = .nan
        let layer = try PlantedLayer.layer(hidden: x)   // its norm is NaN too
        let expected = DetectionError.nonFinite(source: "planted", layer: 4, what: "norm", image: 1, token: 6)
        assertThrows(expected) { try NormThreshold(tau: 100).detect(layer) }
        var onlyHidden = layer
        onlyHidden.norms = try PlantedLayer.layer().norms
        onlyHidden.hidden?[(2 * 17 + 0) * 64 + 1] = .infinity
        assertThrows(.nonFinite(source: "planted", layer: 4, what: "hidden state", image: 1, token: 6)) {
            try MassiveDimensions().detect(onlyHidden)
        }
        // Norm methods do not read hidden states, so a NaN only there does not stop them.
        XCTAssertEqual(try NormThreshold(tau: 100).detect(onlyHidden).total, 6)
        var badReceived = try PlantedLayer.layer()
        badReceived.received?[5] = -.infinity
        assertThrows(.nonFinite(source: "planted", layer: 4, what: "received attention", image: 0, token: 5)) {
            try ReceivedAttentionThreshold(m: 2).detect(badReceived)
        }
    }

    func testAttentionWithoutReceived() throws {
        let layer = try PlantedLayer.layer(received: .some(nil))
        assertThrows(.missingReceived(source: "planted", layer: 4, method: "attention")) {
            try ReceivedAttentionThreshold(m: 2).detect(layer)
        }
        XCTAssertEqual(
            "\(DetectionError.missingReceived(source: "/tmp/s", layer: 4, method: "attention"))",
            "/tmp/s has no received attention for layer 4, which method 'attention' needs; re-run extract with --attention.")
    }

    func testReceivedThatIsNotAColumnSum() throws {
        // Mean over queries instead of the sum: each image totals 1 instead of T = 17.
        let layer = try PlantedLayer.layer(received: PlantedLayer.received().map { $0 / 17 })
        XCTAssertThrowsError(try ReceivedAttentionThreshold(m: 2).detect(layer)) { error in
            guard case .receivedNotColumnSums(_, 4, 0, let total, 17)? = error as? DetectionError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(total, 1, accuracy: 1e-5)
        }
    }

    func testHiddenMissingForHiddenMethods() throws {
        let layer = try LayerActivations(
            layer: 0, imageCount: 1, tokenCount: 3, hiddenSize: 4, prefixTokens: 0, hidden: nil,
            norms: [1, 2, 3], received: nil, source: "norms-only")
        assertThrows(.missingHidden(source: "norms-only", layer: 0, method: "massive")) { try MassiveDimensions().detect(layer) }
    }

    func testParametersOutOfRange() throws {
        let layer = try PlantedLayer.layer()
        assertThrows(.invalidParameter(method: "relative", name: "k", value: "0.5", expected: "a finite ratio > 1 of the median patch norm")) {
            try RelativeNorm(k: 0.5).detect(layer)
        }
        assertThrows(.unreachableScore(method: "sinkdim", tau: 20, bound: 8, hiddenSize: 64)) {
            try SinkDimensionScore(tau: 20).detect(layer)
        }
        assertThrows(.invalidParameter(method: "topk", name: "k", value: "16", expected: "between 1 and 15 (fewer than the 16 candidate tokens)")) {
            try TopKNorm(k: 16).detect(layer)
        }
        assertThrows(.invalidParameter(method: "sinkdim", name: "dimensions", value: "64", expected: "a dimension index in 0..<64")) {
            try SinkDimensionScore(dimensions: [2, 64], tau: 5).detect(layer)
        }
        assertThrows(.invalidParameter(method: "norm", name: "tau", value: "-1.0", expected: "a finite norm > 0 (or auto)")) {
            try NormThreshold(tau: -1).detect(layer)
        }
    }

    func testShapeMismatchAndNoPatches() {
        assertThrows(.shapeMismatch(source: "x", what: "norms [n, T]", expected: 6, actual: 5)) {
            try LayerActivations(layer: 0, imageCount: 2, tokenCount: 3, hiddenSize: 1, prefixTokens: 1,
                                 hidden: nil, norms: [1, 2, 3, 4, 5], received: nil, source: "x")
        }
        assertThrows(.noPatchTokens(source: "x", tokens: 1, prefixTokens: 1)) {
            try LayerActivations(layer: 0, imageCount: 2, tokenCount: 1, hiddenSize: 1, prefixTokens: 1,
                                 hidden: nil, norms: [1, 2], received: nil, source: "x")
        }
    }
}
