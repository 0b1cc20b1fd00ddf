import XCTest
import TestSupport
@testable import SinkAnalysis

/// Every detection method recovers exactly the planted sinks of `PlantedLayer`.
final class DetectionMethodTests: XCTestCase {
    func assertPlanted(_ mask: SinkMask, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(Set(mask.positions), PlantedLayer.sinks, file: file, line: line)
        XCTAssertEqual(mask.counts, [2, 2, 2], file: file, line: line)
        XCTAssertEqual(mask.values.count, PlantedLayer.n * PlantedLayer.tokens, file: file, line: line)
    }

    func testNormThreshold() throws {
        let mask = try NormThreshold(tau: 100).detect(PlantedLayer.layer())
        assertPlanted(mask)
        XCTAssertEqual(mask.threshold, 100)
        XCTAssertEqual(mask.prefixPasses, [0, 0, 0])
    }

    func testNormThresholdAutoUsesCalibratedGap() throws {
        let mask = try NormThreshold(tau: .auto).detect(PlantedLayer.layer())
        assertPlanted(mask)
        let calibration = try XCTUnwrap(mask.calibration)
        XCTAssertTrue(calibration.hasSeparateMode, calibration.verdict)
        XCTAssertEqual(calibration.gap?.upperCount, 6)
        let tau = try XCTUnwrap(mask.threshold)
        XCTAssertGreaterThan(tau, 20)
        XCTAssertLessThan(tau, 1200)
    }

    func testRelativeNormIgnoresPrefixInMedianAndReportsIt() throws {
        let layer = try PlantedLayer.layer()
        assertPlanted(try RelativeNorm(k: 10).detect(layer))
        // At k = 2 the CLS token (norm ≈ 3× the patches) passes but is only reported, not masked.
        let low = try RelativeNorm(k: 2).detect(layer)
        assertPlanted(low)
        XCTAssertEqual(low.prefixPasses, [1, 1, 1])
        let withPrefix = try RelativeNorm(k: 2, includePrefix: true).detect(layer)
        XCTAssertEqual(Set(withPrefix.positions), PlantedLayer.sinks.union((0..<3).map { SinkPosition(image: $0, token: 0) }))
    }

    func testTopK() throws {
        let mask = try TopKNorm(k: 2).detect(PlantedLayer.layer())
        assertPlanted(mask)
        XCTAssertEqual(mask.prefixPasses, [0, 0, 0], "CLS norm is below the 2nd largest patch norm")
    }

    func testAttentionReceivedAndUniformShare() throws {
        let layer = try PlantedLayer.layer()
        let mask = try ReceivedAttentionThreshold(m: 2).detect(layer)
        assertPlanted(mask)
        XCTAssertEqual(mask.prefixPasses, [1, 1, 1], "CLS receives 3 × the uniform share")
        XCTAssertEqual(try ReceivedAttentionThreshold(m: 3.5).detect(layer).prefixPasses, [0, 0, 0])
        XCTAssertEqual(try ReceivedAttentionThreshold(m: 2, includePrefix: true).detect(layer).counts, [3, 3, 3])
    }

    func testMassiveDimensionsReportsDimensions() throws {
        let mask = try MassiveDimensions(abs: 100, ratio: 1000).detect(PlantedLayer.layer())
        assertPlanted(mask)
        XCTAssertEqual(mask.dimensions.map(\.dimension), [2, 5])
        XCTAssertEqual(mask.dimensions.map(\.tokens), [6, 1])
        XCTAssertEqual(mask.dimensions[0].peak, 1200)
        XCTAssertEqual(mask.dimensions[1].peak, 900)
        // A ratio the massive value cannot reach (1200 / median |x| ≈ 1200 / 0.5 < 5000) finds nothing.
        XCTAssertEqual(try MassiveDimensions(abs: 100, ratio: 5000).detect(PlantedLayer.layer()).total, 0)
    }

    func testSinkDimensionScoreGivenAndDiscovered() throws {
        let layer = try PlantedLayer.layer()
        let given = try SinkDimensionScore(dimensions: [2], tau: 5).detect(layer)
        assertPlanted(given)
        let discovered = try SinkDimensionScore(dimensions: nil, tau: 5).detect(layer)
        assertPlanted(discovered)
        // Dimension 5 fires in one image of three, below the default share 0.5: not a sink dimension.
        XCTAssertEqual(discovered.dimensions.map(\.dimension), [2])
        XCTAssertEqual(discovered.dimensions[0].tokens, 6)
        // At tau 4 dimension 5 (900 / RMS 187.5 = 4.8) fires too, and a share of 1/3 admits it.
        let everywhere = try SinkDimensionScore(dimensions: nil, tau: 4, discoveryImageShare: 1.0 / 3).detect(layer)
        XCTAssertEqual(everywhere.dimensions.map(\.dimension), [2, 5])
        // Only dimension 5 given: the one sink that has it.
        XCTAssertEqual(try SinkDimensionScore(dimensions: [5], tau: 3).detect(layer).positions, [.init(image: 0, token: 9)])
    }

    func testScoreMatchesHandComputedValue() throws {
        // x = [3, 4, 0, 0]: RMS = sqrt(25 / 4) = 2.5, so the score on dimension 1 is 4 / 2.5 = 1.6.
        let layer = try LayerActivations(
            layer: 0, imageCount: 1, tokenCount: 3, hiddenSize: 4, prefixTokens: 0,
            hidden: [3, 4, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0], received: nil)
        XCTAssertEqual(try SinkDimensionScore(dimensions: [1], tau: 1.59).detect(layer).values, [1, 0, 0])
        XCTAssertEqual(try SinkDimensionScore(dimensions: [1], tau: 1.61).detect(layer).values, [0, 0, 0])
    }

    func testParametersAreRecorded() {
        XCTAssertEqual(NormThreshold(tau: .auto).parameters, ["tau": "auto", "include_prefix": "false"])
        XCTAssertEqual(RelativeNorm(k: 2.5, includePrefix: true).parameters, ["k": "2.5", "include_prefix": "true"])
        XCTAssertEqual(SinkDimensionScore(dimensions: [1, 7], tau: 20).parameters["dimensions"], "1,7")
        XCTAssertEqual(MassiveDimensions().parameters, ["abs": "100", "ratio": "1000", "include_prefix": "false"])
    }

    func testMaskRoundTripsThroughJSON() throws {
        let mask = try NormThreshold(tau: .auto).detect(PlantedLayer.layer())
        let back = try JSONDecoder().decode(SinkMask.self, from: JSONEncoder().encode(mask))
        XCTAssertEqual(back, mask)
    }
}
