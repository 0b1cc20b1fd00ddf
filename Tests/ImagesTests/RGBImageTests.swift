import Foundation
import XCTest

import TestSupport
@testable import Images

final class RGBImageTests: XCTestCase {
    func testRejectsWrongPixelCount() {
        XCTAssertThrowsError(try RGBImage(width: 4, height: 4, pixels: [UInt8](repeating: 0, count: 47))) { error in
            XCTAssertEqual(
                (error as? ImageError)?.description,
                "Not an RGB image: a 4x4 RGB image needs 48 pixel values, got 47.")
        }
        XCTAssertThrowsError(try RGBImage(width: 0, height: 4, pixels: []))
    }

    func testPNGBytesDecodeLikeTheFileDecoder() throws {
        // The in-memory PNG path (charts read back) and the file decoder (photos) agree.
        let url = Fixtures.url("images/decode/gray.png")
        let fromBytes = try RGBImage(png: [UInt8](try Data(contentsOf: url)))
        XCTAssertEqual(fromBytes, try ImageDecoder().decode(contentsOf: url))
    }

    func testGarbageIsNotAPNG() {
        XCTAssertThrowsError(try RGBImage(png: [UInt8]("not a png at all".utf8))) { error in
            XCTAssertEqual((error as? ImageError)?.description, "libgd could not decode 16 bytes as a PNG image.")
        }
        XCTAssertThrowsError(try RGBImage(png: []))
    }

    func testResamplingKeepsUniformColourAndAveragesWhenShrinking() throws {
        let uniform = try RGBImage(width: 7, height: 5, pixels: [UInt8](repeating: 0, count: 105).enumerated().map { [200, 100, 50][$0.offset % 3] })
        for (w, h) in [(19, 13), (3, 2), (7, 5), (1, 1)] {
            let r = uniform.resampled(width: w, height: h)
            XCTAssertEqual(r.width, w)
            XCTAssertTrue((0..<h).allSatisfy { y in (0..<w).allSatisfy { r[$0, y] == RGB(200, 100, 50) } }, "\(w)x\(h)")
        }
        // A 2x1 black/white image shrunk to 1x1 averages to mid grey.
        let bw = try RGBImage(width: 2, height: 1, pixels: [0, 0, 0, 255, 255, 255])
        XCTAssertEqual(bw.resampled(width: 1, height: 1)[0, 0], RGB(128, 128, 128))
        // Enlarged 2x: the outer pixels keep their colours, the middle ones interpolate.
        let up = bw.resampled(width: 4, height: 1)
        XCTAssertEqual(up[0, 0], .black)
        XCTAssertEqual(up[3, 0], .white)
        XCTAssertEqual(up[1, 0], RGB(64, 64, 64))
    }
}
