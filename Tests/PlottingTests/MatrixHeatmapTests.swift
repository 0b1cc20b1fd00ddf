import XCTest

@testable import Plotting

final class MatrixHeatmapTests: XCTestCase {
    func testEachCellHasItsColourMapColourAndRowZeroIsOnTop() throws {
        let values: [Float] = [0, 1, 2, 3, 4, .nan]
        let chart = try MatrixHeatmap(grid: GridValues(rows: 2, columns: 3, values: values), valueRange: 0...5,
                                      annotate: false, style: ChartTest.plainStyle())
        let img = try ChartTest.image(chart)
        let (_, _, xs, ys, _) = try chart.layout(font: ChartTest.font)
        for r in 0..<2 {
            for c in 0..<3 {
                let center = Point(Double(xs[c] + xs[c + 1]) / 2, Double(ys[r] + ys[r + 1]) / 2)
                let v = Double(values[r * 3 + c])
                let expected = v.isFinite ? ColorMap.viridis.color(for: v, in: 0...5) : RGB(hex: 0xEEEEEE)
                XCTAssertEqual(img[center], expected, "cell \(r),\(c)")
            }
        }
        XCTAssertLessThan(ys[0], ys[1])  // row 0 starts higher on the page
        // Cells are square.
        XCTAssertEqual(Double(xs[3] - xs[0]) / 3, Double(ys[2] - ys[0]) / 2, accuracy: 1)
    }

    func testDivergingMapsCentreOnZero() throws {
        let chart = try MatrixHeatmap(grid: GridValues(rows: 1, columns: 2, values: [-1, 3] as [Double]), colorMap: .coolwarm,
                                      annotate: false, style: ChartTest.plainStyle())
        let (_, bar, xs, ys, range) = try chart.layout(font: ChartTest.font)
        XCTAssertEqual(range, -3...3)
        XCTAssertEqual(bar.scale.lower, -3)
        let img = try ChartTest.image(chart)
        XCTAssertEqual(img[Point(Double(xs[0] + xs[1]) / 2, Double(ys[0] + ys[1]) / 2)], ColorMap.coolwarm.color(for: -1, in: -3...3))
    }

    func testAnnotationsWriteInLargeCells() throws {
        let grid = try GridValues(rows: 2, columns: 2, values: [0.1, 0.9, 0.5, 0.3] as [Float])
        let chart = try MatrixHeatmap(grid: grid, valueRange: 0...1, style: ChartTest.plainStyle())
        XCTAssertTrue(chart.shouldAnnotate(cellWidth: 100, font: try ChartTest.font))
        let img = try ChartTest.image(chart)
        let (_, _, xs, ys, _) = try chart.layout(font: ChartTest.font)
        var colours = Set<RGB>()
        for y in ys[0]..<ys[1] { for x in xs[0]..<xs[1] { colours.insert(img[x, y]) } }
        XCTAssertGreaterThan(colours.count, 3, "text inked into cell (0, 0)")
        let many = try MatrixHeatmap(grid: GridValues(rows: 30, columns: 30, values: [Float](repeating: 0.5, count: 900)))
        XCTAssertFalse(many.shouldAnnotate(cellWidth: 100, font: try ChartTest.font))
    }

    func testLabelCountsMustMatch() throws {
        let grid = try GridValues(rows: 2, columns: 2, values: [Float](repeating: 0, count: 4))
        XCTAssertThrowsError(try MatrixHeatmap(grid: grid, rowLabels: ["only one"])) { error in
            XCTAssertEqual(error as? PlottingError, .shapeMismatch(what: "matrix row labels", expected: 2, got: 1))
        }
        XCTAssertThrowsError(try GridValues(rows: 3, columns: 3, values: [Float](repeating: 0, count: 8)))
        XCTAssertThrowsError(try GridValues(rows: 0, columns: 3, values: [Float]()))
    }
}
