import Foundation
import TestSupport
import XCTest

@testable import Plotting

/// What every chart promises: deterministic bytes, the requested size at any scale, atomic writes.
final class ChartTests: XCTestCase {
    static func samples() throws -> [(String, any Chart)] {
        let image = try RGBImage(width: 8, height: 8, pixels: (0..<192).map { UInt8($0) })
        let grid = try GridValues(rows: 4, columns: 4, values: (0..<16).map { Float($0) })
        return [
            ("bar", try BarChart(categories: ["a", "b"], series: [.init(name: "s", values: [1, 2], errors: [0.1, 0.2])])),
            ("hist", try Histogram(values: (0..<500).map { Float($0 % 37) }, threshold: .init(value: 30, label: "τ"))),
            ("line", try LineChart(series: [.init(name: "s", x: [0, 1, 2], y: [1, 3, 2], lower: [0, 2, 1], upper: [2, 4, 3])])),
            ("scatter", try ScatterChart(x: [0, 1, 2], y: [2, 1, 0], categories: [0, 1, 1], names: ["a", "b"])),
            ("matrix", try MatrixHeatmap(grid: grid, title: "M", colorBarLabel: "v")),
            ("overlay", try HeatmapOverlay(image: image, grid: grid, marked: [3], title: "O")),
        ]
    }

    func testSameChartGivesIdenticalBytes() throws {
        for (name, chart) in try Self.samples() {
            XCTAssertEqual(try chart.render(), try chart.render(), name)
        }
        // And different data give different bytes (the comparison can fail).
        let a = try BarChart(categories: ["a"], series: [.init(name: "s", values: [1])]).render()
        let b = try BarChart(categories: ["a"], series: [.init(name: "s", values: [2])]).render()
        XCTAssertNotEqual(a, b)
    }

    func testScaleTwoDoublesThePixelSize() throws {
        for (name, chart) in try Self.samples().prefix(2) {
            var style = chart.style
            style.scale = 2
            let big: any Chart
            if var c = chart as? BarChart { c.style = style; big = c } else if var c = chart as? Histogram { c.style = style; big = c } else { continue }
            let img = try RGBImage(png: big.render())
            XCTAssertEqual(img.width, chart.style.width * 2, name)
            XCTAssertEqual(img.height, chart.style.height * 2, name)
        }
    }

    func testInvalidStyleIsRejected() throws {
        var style = ChartStyle()
        style.scale = 0
        XCTAssertThrowsError(try BarChart(categories: ["a"], series: [.init(name: "s", values: [1])], style: style).render())
        XCTAssertThrowsError(try BarChart(categories: ["a"], series: [.init(name: "s", values: [1])],
                                          style: ChartStyle(width: 9000, height: 500)).render())
    }

    func testWriteIsAtomicAndReportsTheFailingPath() throws {
        let dir = temporaryDirectory("plot-write")
        defer { try? FileManager.default.removeItem(at: dir) }
        let chart = try BarChart(categories: ["a"], series: [.init(name: "s", values: [1])])
        let url = dir.appendingPathComponent("bars.png")
        try chart.write(to: url)
        try chart.write(to: url)  // replaces
        XCTAssertEqual(try RGBImage(png: [UInt8](Data(contentsOf: url))).width, 800)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["bars.png"])
        let missing = dir.appendingPathComponent("no/such/dir/x.png")
        XCTAssertThrowsError(try chart.write(to: missing)) { error in
            XCTAssertTrue("\(error)".contains(missing.path), "\(error)")
        }
    }
}
