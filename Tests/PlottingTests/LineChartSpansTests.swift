import XCTest

@testable import Plotting

/// Shaded x ranges behind a line chart (the windowed-attention layers of a report's per-layer charts).
final class LineChartSpansTests: XCTestCase {
    let green = RGB(hex: 0x009E73)
    let purple = RGB(hex: 0x8A7A99)

    func testRunsOfConsecutiveLayersBecomeOneSpanEach() {
        XCTAssertEqual(LineChart.Spans.runs(of: [5, 1, 2, 3, 3]), [0.5...3.5, 4.5...5.5])
        XCTAssertEqual(LineChart.Spans.runs(of: [7]), [6.5...7.5])
        XCTAssertEqual(LineChart.Spans.runs(of: []), [])
    }

    func testPixelsInsideASpanAreShadedAndOutsideAreNot() throws {
        let x = (0...8).map(Double.init)
        var chart = try LineChart(series: [.init(name: "s", x: x, y: x.map { _ in 0.9 }, color: green)],
                                  yAxis: Axis(range: 0...1), legend: .hidden, showMarkers: false, style: ChartTest.plainStyle())
        chart.spans = LineChart.Spans(ranges: LineChart.Spans.runs(of: [1, 2, 5]), label: "windowed blocks", color: purple, alpha: 0.2)
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        let shaded = RGB.white.mixed(with: purple, 0.2)
        for inside in [1.0, 2.0, 1.5, 0.6, 5.0, 5.4] {
            XCTAssertEqual(img[Point(f.xPixel(inside), f.yPixel(0.3))], shaded, "x = \(inside) lies in a span")
        }
        for outside in [0.0, 3.0, 4.0, 4.4, 6.0, 8.0] {
            XCTAssertEqual(img[Point(f.xPixel(outside), f.yPixel(0.3))], .white, "x = \(outside) lies outside every span")
        }
        XCTAssertEqual(img[Point(f.xPixel(1.5), f.yPixel(0.9))], green, "the line is drawn over the shading")
        // Full height of the plot area, and nothing above or below it.
        XCTAssertEqual(img[Point(f.xPixel(1.5), f.plot.minY + 4)], shaded)
        XCTAssertEqual(img[Point(f.xPixel(1.5), f.plot.maxY - 4)], shaded)
        XCTAssertNotEqual(img[Point(f.xPixel(1.5), f.plot.minY - 3)], shaded)
    }

    func testTheSpansGetOneLegendEntryWhenLabelled() throws {
        var chart = try LineChart(series: [.init(name: "a", x: [0, 1], y: [0, 1])])
        XCTAssertEqual(chart.legendBox.entries.map(\.label), ["a"])
        chart.spans = LineChart.Spans(ranges: [0.5...1.5], label: "windowed blocks")
        XCTAssertEqual(chart.legendBox.entries.map(\.label), ["a", "windowed blocks"])
        XCTAssertEqual(chart.legendBox.entries.last?.color, RGB.white.mixed(with: chart.spans!.color, chart.spans!.alpha))
        chart.spans = LineChart.Spans(ranges: [], label: "windowed blocks")
        XCTAssertEqual(chart.legendBox.entries.map(\.label), ["a"], "no range, no entry")
    }

    func testChartsWithoutSpansDrawNoShading() throws {
        let x = (0...8).map(Double.init)
        let chart = try LineChart(series: [.init(name: "s", x: x, y: x.map { _ in 0.9 }, color: green)],
                                  yAxis: Axis(range: 0...1), legend: .hidden, showMarkers: false, style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        XCTAssertEqual(img[Point(f.xPixel(1.5), f.yPixel(0.3))], .white)
    }
}
