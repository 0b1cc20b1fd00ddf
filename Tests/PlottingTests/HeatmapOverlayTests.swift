import XCTest

@testable import Plotting

final class HeatmapOverlayTests: XCTestCase {
    let base = RGB(200, 100, 50)

    func uniformImage(_ side: Int = 32) throws -> RGBImage {
        try RGBImage(width: side, height: side, pixels: (0..<(side * side)).flatMap { _ in [base.r, base.g, base.b] })
    }

    func testCellPixelsAreTheHandComputedAlphaBlend() throws {
        let overlay = try HeatmapOverlay(image: uniformImage(), grid: GridValues(rows: 2, columns: 2, values: [0, 1, 2, Float.nan]),
                                         colorMap: .magma, valueRange: 0...3, alpha: 0.6, style: ChartTest.plainStyle())
        let img = try ChartTest.image(overlay)
        let area = try overlay.layout(font: ChartTest.font).area
        for (cell, v) in [0.0, 1, 2].enumerated() {
            let r = cell / 2, c = cell % 2
            let p = Point(area.minX + area.width * (Double(c) + 0.5) / 2, area.minY + area.height * (Double(r) + 0.5) / 2)
            let m = ColorMap.magma.color(for: v, in: 0...3)
            // out = round(colour * 0.6 + image * 0.4), per channel
            let expected = RGB(UInt8((Double(m.r) * 0.6 + Double(base.r) * 0.4).rounded()),
                               UInt8((Double(m.g) * 0.6 + Double(base.g) * 0.4).rounded()),
                               UInt8((Double(m.b) * 0.6 + Double(base.b) * 0.4).rounded()))
            XCTAssertEqual(img[p], expected, "cell \(cell)")
        }
        // A missing value shows the image untouched.
        XCTAssertEqual(img[Point(area.minX + area.width * 0.75, area.minY + area.height * 0.75)], base)
        // The image keeps its aspect (square) and sits inside the canvas.
        XCTAssertEqual(area.width, area.height)
        XCTAssertGreaterThan(area.width, 150)
    }

    func testMarkedCellsAreOutlinedOnTheirEdges() throws {
        let overlay = try HeatmapOverlay(image: uniformImage(64), grid: GridValues(rows: 4, columns: 4, values: [Float](repeating: 1, count: 16)),
                                         valueRange: 0...2, marked: [5], markColor: .white, style: ChartTest.plainStyle())
        let img = try ChartTest.image(overlay)
        let area = try overlay.layout(font: ChartTest.font).area
        let xs = cellEdges(origin: area.minX, length: area.width, count: 4)
        let ys = cellEdges(origin: area.minY, length: area.height, count: 4)
        let midY = (ys[1] + ys[2]) / 2
        XCTAssertEqual(img[xs[1] + 1, midY], .white, "white outline inside the dark rim")
        let rim = img[xs[1], midY]
        XCTAssertLessThan(Int(rim.r) + Int(rim.g) + Int(rim.b), 150, "dark rim \(rim)")
        let inside = img[(xs[1] + xs[2]) / 2, midY], unmarked = img[(xs[2] + xs[3]) / 2, midY]
        XCTAssertEqual(inside, unmarked, "the outline leaves the cell's colour inside")
    }

    func testLargeGridsKeepCellsAtLeastTenPixels() throws {
        let side = 37
        let overlay = try HeatmapOverlay(image: uniformImage(518), grid: GridValues(rows: side, columns: side, values: [Float](repeating: 0, count: side * side)))
        let area = try overlay.layout(font: ChartTest.font).area
        XCTAssertGreaterThanOrEqual(area.width / Double(side), 10)
    }

    func testBadParametersAreRejected() throws {
        let grid = try GridValues(rows: 2, columns: 2, values: [Float](repeating: 0, count: 4))
        XCTAssertThrowsError(try HeatmapOverlay(image: uniformImage(), grid: grid, alpha: 1.5))
        XCTAssertThrowsError(try HeatmapOverlay(image: uniformImage(), grid: grid, marked: [4])) { error in
            XCTAssertTrue("\(error)".contains("marked cell=4"), "\(error)")
        }
    }
}
