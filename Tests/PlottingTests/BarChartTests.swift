import XCTest

@testable import Plotting

final class BarChartTests: XCTestCase {
    let blue = RGB(hex: 0x0072B2)

    func testBarsArePaintedWhereTheyMustBeAndNowhereElse() throws {
        let chart = try BarChart(categories: ["a", "b"], series: [.init(name: "s", values: [1, 0.5], color: blue)],
                                 yAxis: Axis(range: 0...1), style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        let tall = chart.barRect(f, 0, 0), short = chart.barRect(f, 1, 0)
        XCTAssertEqual(img[Point(tall.midX, tall.midY)], blue)
        XCTAssertEqual(img[Point(short.midX, short.midY)], blue)
        XCTAssertEqual(img[Point(short.midX, short.minY - 10)], .white, "above the short bar")
        XCTAssertEqual(img[Point(f.xPixel(1.0), f.yPixel(0.25))], .white, "between the categories")
        XCTAssertEqual(img[Point(tall.minX - 3, tall.midY)], .white, "left of the first bar")
        // Heights follow the values from the zero line.
        XCTAssertEqual(tall.maxY, f.yPixel(0), accuracy: 1e-9)
        XCTAssertEqual(tall.height, 2 * short.height, accuracy: 1e-6)
        // The group takes 80 % of each category.
        XCTAssertEqual(tall.width, 0.8 * (f.xPixel(1) - f.xPixel(0)), accuracy: 1e-6)
    }

    func testGroupedBarsSitSideBySideInSeriesColours() throws {
        let chart = try BarChart(categories: ["x", "y", "z"],
                                 series: [.init(name: "probe", values: [0.9, 0.8, 0.5]),
                                          .init(name: "control", values: [0.1, 0.2, 0.1])],
                                 style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        for c in 0..<3 {
            let a = chart.barRect(f, c, 0), b = chart.barRect(f, c, 1)
            XCTAssertLessThan(a.maxX, b.minX + 1e-9)
            XCTAssertEqual(img[Point(a.midX, a.maxY - 3)], Palette.okabeIto[0])
            XCTAssertEqual(img[Point(b.midX, b.maxY - 3)], Palette.okabeIto[1])
        }
        XCTAssertEqual(chart.legendBox.entries.map(\.label), ["probe", "control"])
    }

    func testNegativeValuesHangBelowZeroAndErrorBarsAreDrawn() throws {
        let chart = try BarChart(categories: ["up", "down"],
                                 series: [.init(name: "d", values: [2, -1], errors: [0.5, 0.5], color: blue)],
                                 style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        let down = chart.barRect(f, 1, 0)
        XCTAssertEqual(down.minY, f.yPixel(0), accuracy: 1e-9)
        XCTAssertEqual(img[Point(down.midX + down.width / 4, down.midY)], blue)
        // The error bar's whisker above the first bar (2 + 0.5) is dark, not background.
        let up = chart.barRect(f, 0, 0)
        let whisker = img[Point(up.midX, f.yPixel(2.25))]
        XCTAssertLessThan(Int(whisker.r) + Int(whisker.g) + Int(whisker.b), 300)
        XCTAssertGreaterThanOrEqual(f.y.scale.upper, 2.5)
    }

    func testShapeErrorsNameTheSeries() {
        XCTAssertThrowsError(try BarChart(categories: ["a", "b"], series: [.init(name: "short", values: [1])])) { error in
            XCTAssertEqual(error as? PlottingError, .shapeMismatch(what: "bar series \"short\" values", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try BarChart(categories: ["a"], series: [.init(name: "e", values: [1], errors: [1, 2])]))
        XCTAssertThrowsError(try BarChart(categories: [], series: [.init(name: "e", values: [])]))
        XCTAssertThrowsError(try BarChart(categories: ["a"], series: []))
    }
}
