import XCTest

@testable import Plotting

final class HistogramTests: XCTestCase {
    func testBinsLikeNumpyHistogram() throws {
        // numpy.histogram([0, .5, 1, 1.5, 2, 2, 4], bins=4) -> [2, 2, 2, 1], edges [0, 1, 2, 3, 4]
        let h = try Histogram(values: [0, 0.5, 1, 1.5, 2, 2, 4, .nan, .infinity] as [Float], bins: 4)
        XCTAssertEqual(h.edges, [0, 1, 2, 3, 4])
        XCTAssertEqual(h.counts, [2, 2, 2, 1])
        // With a range, values outside it are dropped and the last bin is closed.
        let r = try Histogram(values: [-1, 0, 0.25, 1, 2] as [Double], bins: 2, range: 0...1)
        XCTAssertEqual(r.counts, [2, 1])
    }

    func testBarsThresholdAndBackgroundPixels() throws {
        var values = [Float](repeating: 1.5, count: 10) + [Float](repeating: 2.5, count: 5)
        values.append(0.5)
        let threshold = Histogram.Threshold(value: 3.5, label: "τ", color: RGB(hex: 0xD55E00))
        let h = try Histogram(values: values, bins: 4, range: 0...4, threshold: threshold, style: ChartTest.plainStyle())
        let img = try ChartTest.image(h)
        let f = try h.layout(font: ChartTest.font)
        let fill = RGB.white.mixed(with: Palette.okabeIto[0], 0.85)  // bars are drawn at 85 % opacity
        XCTAssertEqual(img[Point(f.xPixel(1.5), f.yPixel(5))], fill, "inside the 10-count bar")
        XCTAssertEqual(img[Point(f.xPixel(2.5), f.yPixel(2.5))], fill, "inside the 5-count bar")
        XCTAssertEqual(img[Point(f.xPixel(2.5), f.yPixel(7.5))], .white, "above the 5-count bar")
        XCTAssertEqual(img[Point(f.xPixel(3.2), f.yPixel(0.5))], .white, "the empty last bin")
        let line = img[Point(f.xPixel(3.5), f.plot.minY + 2)]  // first dash starts at the top
        XCTAssertLessThanOrEqual(ChartTest.distance(line, threshold.color), 30, "\(line)")
    }

    func testThresholdOutsideTheDataWidensTheAxis() throws {
        let h = try Histogram(values: [1, 2, 3] as [Float], bins: 3, threshold: .init(value: 100))
        let f = try h.layout(font: ChartTest.font)
        XCTAssertGreaterThanOrEqual(f.x.scale.upper, 100)
    }

    func testLogCountsUseALogAxisFromBelowOne() throws {
        let h = try Histogram(values: [Float](repeating: 1, count: 1000) + [5], bins: 5, logCounts: true)
        let f = try h.layout(font: ChartTest.font)
        XCTAssertEqual(f.y.scale.kind, .log)
        XCTAssertLessThan(f.y.scale.lower, 1)
        XCTAssertGreaterThan(f.y.scale.upper, 1000)
        XCTAssertTrue(f.y.ticks.map(\.value).contains(100))
    }

    func testBadInputIsRejected() {
        XCTAssertThrowsError(try Histogram(values: [Float.nan, .infinity])) { error in
            XCTAssertEqual(error as? PlottingError, .emptyData(what: "histogram values (no finite value)"))
        }
        XCTAssertThrowsError(try Histogram(values: [1, 2] as [Float], bins: 0))
        XCTAssertThrowsError(try Histogram(edges: [0, 1], counts: [1, 2]))
        XCTAssertThrowsError(try Histogram(edges: [0, 2, 1], counts: [1, 2]))
    }
}
