import XCTest

@testable import Plotting

/// DejaVu Sans through libgd's FreeType path: discovery, measurement, drawing.
final class FontTests: XCTestCase {
    func testDejaVuIsFoundWithABoldFace() throws {
        let font = try Font.dejaVuSans()
        XCTAssertTrue(font.regular.hasSuffix("DejaVuSans.ttf"), font.regular)
        XCTAssertTrue(font.bold.hasSuffix("DejaVuSans-Bold.ttf"), font.bold)
    }

    func testMissingFontIsOneClearSentence() {
        XCTAssertThrowsError(try Font(regular: "/nonexistent/Font.ttf")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("/nonexistent/Font.ttf"), text)
            XCTAssertTrue(text.contains("fonts-dejavu-core"), text)
        }
    }

    func testMeasurementGrowsWithTextAndSize() throws {
        let font = try Font.dejaVuSans()
        let short = try font.measure("10", size: 12), long = try font.measure("1000", size: 12)
        XCTAssertGreaterThan(long.width, short.width * 1.6)
        let big = try font.measure("1000", size: 24)
        XCTAssertEqual(big.width, long.width * 2, accuracy: 3)
        XCTAssertGreaterThan(try font.measure("Wide", size: 12, bold: true).width, try font.measure("Wide", size: 12).width)
        XCTAssertEqual(long.capHeight, 12 * 0.729, accuracy: 1e-9)
    }

    func testTextInksItsBoxAndNothingElse() throws {
        let font = try Font.dejaVuSans()
        let c = try Canvas(width: 200, height: 60)
        let box = try c.text("Sinks & <tags>", at: Point(100, 30), font: font, style: TextStyle(size: 16, color: .black),
                             anchor: TextAnchor(.center, .middle))
        var inside = 0, outside = 0
        for y in 0..<60 {
            for x in 0..<200 where c.pixel(x, y) != .white {
                if box.insetBy(-2).contains(Point(Double(x) + 0.5, Double(y) + 0.5)) { inside += 1 } else { outside += 1 }
            }
        }
        XCTAssertGreaterThan(inside, 100)
        XCTAssertEqual(outside, 0)
        XCTAssertEqual(box.midX, 100, accuracy: 2)
    }

    func testRotatedTextIsTallerThanWide() throws {
        let font = try Font.dejaVuSans()
        let box = try Canvas.textBox("accuracy", at: Point(50, 50), font: font, style: TextStyle(size: 14),
                                     anchor: TextAnchor(.center, .top), angle: 90)
        XCTAssertGreaterThan(box.height, box.width * 2)
        XCTAssertEqual(box.minX, 50, accuracy: 0.5)  // "top" of upright-reading text faces left
    }
}
