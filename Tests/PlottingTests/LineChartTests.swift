import XCTest

@testable import Plotting

final class LineChartTests: XCTestCase {
    let green = RGB(hex: 0x009E73)

    func testLineAndBandPixels() throws {
        let x = (0...10).map(Double.init)
        let series = LineChart.Series(name: "s", x: x, y: x.map { _ in 0.5 }, lower: x.map { _ in 0.3 },
                                      upper: x.map { _ in 0.7 }, color: green)
        let chart = try LineChart(series: [series], legend: .hidden, showMarkers: false, bandAlpha: 0.18,
                                  style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        XCTAssertEqual(img[Point(f.xPixel(5), f.yPixel(0.5))], green, "on the line")
        XCTAssertEqual(img[Point(f.xPixel(5), f.yPixel(0.4))], RGB.white.mixed(with: green, 0.18), "inside the band")
        XCTAssertEqual(img[Point(f.xPixel(5), f.yPixel(0.29))], .white, "below the band")
    }

    func testMissingValuesBreakTheLine() throws {
        let chart = try LineChart(series: [.init(name: "gap", x: [0, 1, 2, 3, 4], y: [0.5, 0.5, .nan, 0.5, 0.5], color: green)],
                                  yAxis: Axis(range: 0...1), legend: .hidden, showMarkers: false, style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        XCTAssertEqual(img[Point(f.xPixel(0.5), f.yPixel(0.5))], green)
        XCTAssertEqual(img[Point(f.xPixel(2), f.yPixel(0.5))], .white)
        XCTAssertEqual(img[Point(f.xPixel(3.5), f.yPixel(0.5))], green)
    }

    func testLegendListsEverySeriesAndAvoidsTheData() throws {
        let x = (0...12).map(Double.init)
        let chart = try LineChart(series: [.init(name: "rising", x: x, y: x), .init(name: "flat", x: x, y: x.map { _ in 1 })])
        let (f, legend) = try chart.layout(font: ChartTest.font)
        XCTAssertEqual(chart.legendBox.entries.map(\.label), ["rising", "flat"])
        let box = try XCTUnwrap(legend)
        // The data fill the bottom and the upper right; the free corner is the upper left.
        XCTAssertLessThan(box.midX, f.plot.midX)
        XCTAssertLessThan(box.midY, f.plot.midY)
    }

    func testIntegerTicksOnALayerAxis() throws {
        let chart = try LineChart(series: [.init(name: "s", x: [0, 1, 2, 3], y: [1, 2, 3, 4])], xAxis: Axis("layer", integerTicks: true))
        let f = try chart.layout(font: ChartTest.font).frame
        XCTAssertEqual(f.x.ticks.map(\.label), ["0", "1", "2", "3"])
    }

    func testBadSeriesAreRejected() {
        XCTAssertThrowsError(try LineChart(series: []))
        XCTAssertThrowsError(try LineChart(series: [.init(name: "a", x: [0, 1], y: [1])]))
        XCTAssertThrowsError(try LineChart(series: [.init(name: "a", x: [0, 1], y: [1, 2], lower: [0, 1])])) { error in
            XCTAssertTrue("\(error)".contains("both lower and upper"), "\(error)")
        }
        XCTAssertThrowsError(try LineChart(series: [.init(name: "a", x: [0, 1], y: [.nan, .nan])]))
        XCTAssertThrowsError(try LineChart(series: [.init(name: "a", x: [0, 1], y: [-1, 0])], yAxis: Axis(log: true)).render())
    }
}
