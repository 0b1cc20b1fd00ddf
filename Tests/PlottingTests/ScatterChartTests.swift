import XCTest

@testable import Plotting

final class ScatterChartTests: XCTestCase {
    func testPointsTakeTheirGroupColour() throws {
        let chart = try ScatterChart(x: [0, 10, 5], y: [0, 0, 10], categories: [0, 1, 2], names: ["a", "b", "c"],
                                     legend: .hidden, pointSize: 12, alpha: 1, style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        XCTAssertEqual(img[Point(f.xPixel(0), f.yPixel(0))], Palette.okabeIto[0])
        XCTAssertEqual(img[Point(f.xPixel(10), f.yPixel(0))], Palette.okabeIto[1])
        XCTAssertEqual(img[Point(f.xPixel(5), f.yPixel(10))], Palette.okabeIto[2])
        XCTAssertEqual(img[Point(f.xPixel(5), f.yPixel(5))], .white)
    }

    func testLaterGroupsDrawOnTop() throws {
        let chart = try ScatterChart(groups: [.init(name: "many", x: [1, 2], y: [1, 2]), .init(name: "few", x: [1], y: [1], color: .black)],
                                     legend: .hidden, pointSize: 10, alpha: 1, style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let f = try chart.layout(font: ChartTest.font).frame
        XCTAssertEqual(img[Point(f.xPixel(1), f.yPixel(1))], .black)
    }

    func testTenThousandPointsRenderWithALegend() throws {
        let n = 10_000
        let x = (0..<n).map { Float(sin(Double($0))) }, y = (0..<n).map { Float(cos(Double($0) * 1.3)) }
        let chart = try ScatterChart(x: x, y: y, categories: (0..<n).map { $0 % 5 }, names: ["a", "b", "c", "d", "e"])
        XCTAssertEqual(chart.groups.map(\.x.count), [2000, 2000, 2000, 2000, 2000])
        let img = try ChartTest.image(chart)
        XCTAssertEqual(img.width, 800)
        let (_, legend) = try chart.layout(font: ChartTest.font)
        XCTAssertNotNil(legend)
    }

    func testBadCategoriesAreRejected() {
        XCTAssertThrowsError(try ScatterChart(x: [0, 1], y: [0, 1], categories: [0, 2], names: ["a", "b"])) { error in
            XCTAssertEqual(error as? PlottingError,
                           .invalidParameter(name: "scatter category of point 1", value: "2", expected: "0..<2"))
        }
        XCTAssertThrowsError(try ScatterChart(x: [0, 1], y: [0], categories: [0, 0], names: ["a"]))
        XCTAssertThrowsError(try ScatterChart(groups: []))
    }
}
