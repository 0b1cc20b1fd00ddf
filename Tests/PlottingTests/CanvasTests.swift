import XCTest

@testable import Plotting

/// Rasterisation and compositing on the libgd canvas.
final class CanvasTests: XCTestCase {
    let red = RGB(200, 30, 40)

    func testFillCoversWholePixelsExactlyAndEdgesByArea() throws {
        let c = try Canvas(width: 20, height: 10)
        c.fill(Rect(x: 2, y: 3, width: 5, height: 4), red)
        XCTAssertEqual(c.pixel(2, 3), red)
        XCTAssertEqual(c.pixel(6, 6), red)
        XCTAssertEqual(c.pixel(7, 6), .white)
        XCTAssertEqual(c.pixel(1, 3), .white)
        // Half of pixel 10 covered: 255 * 0.5 + 200 * 0.5 = 227.5 -> 228.
        c.fill(Rect(x: 10.5, y: 0, width: 2, height: 2), red)
        XCTAssertEqual(c.pixel(10, 0), RGB(228, 143, 148))
        XCTAssertEqual(c.pixel(11, 0), red)
    }

    func testAlphaBlendIsRoundedLinearMix() throws {
        let c = try Canvas(width: 4, height: 4, background: RGB(10, 20, 30))
        c.fill(Rect(x: 0, y: 0, width: 4, height: 4), RGB(250, 100, 0), alpha: 0.3)
        // round(250*0.3 + 10*0.7) = 82, round(100*0.3 + 20*0.7) = 44, round(0 + 30*0.7) = 21
        XCTAssertEqual(c.pixel(1, 1), RGB(82, 44, 21))
        XCTAssertEqual(RGB(10, 20, 30).mixed(with: RGB(250, 100, 0), 0.3), RGB(82, 44, 21))
    }

    func testClipLimitsShapes() throws {
        let c = try Canvas(width: 10, height: 10)
        c.clip = Rect(x: 0, y: 0, width: 5, height: 10)
        c.fill(c.bounds, red)
        XCTAssertEqual(c.pixel(4, 4), red)
        XCTAssertEqual(c.pixel(5, 4), .white)
    }

    func testThickLineCoversItsWidthAndIsAntialiasedAtTheEdge() throws {
        let c = try Canvas(width: 40, height: 20)
        c.strokeLine(from: Point(5, 10), to: Point(35, 10), red, lineWidth: 4)
        XCTAssertEqual(c.pixel(20, 9), red)  // pixel centres 9.5 and 10.5 lie within 2 px
        XCTAssertEqual(c.pixel(20, 11), red)
        XCTAssertEqual(c.pixel(20, 14), .white)
        // Round caps reach 2 px beyond the ends.
        XCTAssertEqual(c.pixel(35, 10), red)
        XCTAssertEqual(c.pixel(38, 10), .white)
        // A diagonal line leaves partially covered pixels (neither colour).
        let d = try Canvas(width: 40, height: 40)
        d.strokeLine(from: Point(2, 3), to: Point(37, 30), red, lineWidth: 1.5)
        let mixed = (0..<40).flatMap { y in (0..<40).compactMap { d.pixel($0, y) } }.filter { $0 != red && $0 != .white }
        XCTAssertGreaterThan(mixed.count, 20)
    }

    func testTranslucentPolylineIsNotDoubleBlendedAtJoints() throws {
        let c = try Canvas(width: 40, height: 40)
        c.strokePolyline([Point(5, 20), Point(20, 20), Point(20, 35)], .black, lineWidth: 3, alpha: 0.5)
        // At the joint both segments cover the pixel, but it is blended once: 255 * 0.5 = 127.5 -> 128.
        XCTAssertEqual(c.pixel(19, 19), RGB(128, 128, 128))
        XCTAssertEqual(c.pixel(10, 20), RGB(128, 128, 128))
    }

    func testDashedLineHasGaps() throws {
        let c = try Canvas(width: 60, height: 10)
        c.strokeLine(from: Point(0, 5), to: Point(60, 5), red, lineWidth: 2, dash: [6, 6])
        let row = (0..<60).map { c.pixel($0, 4)! }
        XCTAssertEqual(row[2], red)
        XCTAssertEqual(row[9], .white)
        XCTAssertEqual(row[15], red)
    }

    func testCircleAndBand() throws {
        let c = try Canvas(width: 30, height: 30)
        c.fillCircle(center: Point(15, 15), radius: 5, red)
        XCTAssertEqual(c.pixel(15, 15), red)
        XCTAssertEqual(c.pixel(15, 22), .white)
        let b = try Canvas(width: 30, height: 30)
        b.fillBand(xs: [0, 30], [10, 10], [20, 20], .black, alpha: 1)
        XCTAssertEqual(b.pixel(15, 15), .black)
        XCTAssertEqual(b.pixel(15, 5), .white)
        XCTAssertEqual(b.pixel(15, 25), .white)
    }

    func testMarkersDrawEveryShape() throws {
        for shape in MarkerShape.allCases {
            let c = try Canvas(width: 20, height: 20)
            c.marker(shape, at: Point(10, 10), size: 10, red)
            XCTAssertEqual(c.pixel(10, 10), red, "\(shape)")
            XCTAssertEqual(c.pixel(1, 1), .white, "\(shape)")
        }
    }

    func testPNGIsDeterministicAndDecodes() throws {
        func draw() throws -> [UInt8] {
            let c = try Canvas(width: 64, height: 48, dpi: 200)
            c.strokeLine(from: Point(3, 4), to: Point(60, 40), red, lineWidth: 2.5)
            return try c.png()
        }
        let a = try draw(), b = try draw()
        XCTAssertEqual(a, b)
        XCTAssertEqual(Array(a.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // The pHYs chunk records 200 dpi = 7874 pixels per metre.
        let phys = [UInt8]("pHYs".utf8)
        let at = (0..<(a.count - 12)).first { Array(a[$0..<($0 + 4)]) == phys }
        XCTAssertNotNil(at)
        if let at {
            let ppm = a[(at + 4)..<(at + 8)].reduce(0) { $0 << 8 | Int($1) }
            XCTAssertEqual(ppm, 7874)
        }
        let img = try RGBImage(png: a)
        XCTAssertEqual(img.width, 64)
        XCTAssertEqual(img.height, 48)
    }

    func testCanvasSizeIsBounded() {
        XCTAssertThrowsError(try Canvas(width: 0, height: 10))
        XCTAssertThrowsError(try Canvas(width: 100_000, height: 100_000)) { error in
            XCTAssertEqual(error as? PlottingError, .canvasTooLarge(width: 100_000, height: 100_000))
        }
    }
}
