import Foundation
import TestSupport
import XCTest

@testable import Images

/// Decoding every format through libgd against the pixels PIL decodes from the same files
/// (`scripts/fixtures/make_image_fixtures.py`), and the errors for bad files.
final class ImageDecoderTests: XCTestCase {
    struct Expected: Decodable {
        let file: String
        let format: String
        let width: Int
        let height: Int
        let lossless: Bool
        let rgb: [UInt8]
    }

    func expectedImages() throws -> [Expected] {
        struct File: Decodable { let images: [Expected] }
        let data = try Data(contentsOf: Fixtures.url("images/decode/expected.json"))
        return try JSONDecoder().decode(File.self, from: data).images
    }

    func testEveryFormatDecodesToPILPixels() throws {
        let decoder = ImageDecoder()
        let expected = try expectedImages()
        XCTAssertEqual(Set(expected.map(\.format)), ["png", "jpeg", "gif", "bmp", "webp"])
        for e in expected {
            let url = Fixtures.url("images/decode/\(e.file)")
            let image = try decoder.decode(contentsOf: url)
            XCTAssertEqual(image.width, e.width, e.file)
            XCTAssertEqual(image.height, e.height, e.file)
            let diff = zip(image.pixels, e.rgb).map { abs(Int($0) - Int($1)) }.max() ?? -1
            if e.lossless {
                XCTAssertEqual(image.pixels, e.rgb, "\(e.file): lossless pixels must match exactly")
            } else {
                // Both sides run libjpeg-turbo with the default (ISLOW) IDCT: identical on the
                // development machine (diff 0); allow one level for other builds' SIMD paths.
                XCTAssertLessThanOrEqual(diff, 1, "\(e.file): max |libgd - PIL| = \(diff)")
            }
        }
    }

    func testFormatIsSniffedFromBytesNotExtension() throws {
        let data = [UInt8](try Data(contentsOf: Fixtures.url("images/decode/png-named.jpg")))
        XCTAssertEqual(ImageFormat.sniff(data), .png)
        let rgb = try ImageDecoder().decode(contentsOf: Fixtures.url("images/decode/rgb.png"))
        XCTAssertEqual(try ImageDecoder().decode(data: data, source: "x.jpg"), rgb)
    }

    func testTransparentPixelKeepsItsStoredColour() throws {
        // rgba.png's pixel (0,0) has alpha 0: dropping alpha keeps its RGB (PIL convert("RGB")).
        let e = try XCTUnwrap(try expectedImages().first { $0.file == "rgba.png" })
        let image = try ImageDecoder().decode(contentsOf: Fixtures.url("images/decode/rgba.png"))
        XCTAssertEqual([image[0, 0].r, image[0, 0].g, image[0, 0].b], Array(e.rgb[0..<3]))
        XCTAssertNotEqual([image[0, 0].r, image[0, 0].g, image[0, 0].b], [0, 0, 0])
    }

    // MARK: - Bad files

    func decodeError(_ name: String) -> ImageError? {
        let url = Fixtures.url("images/bad/\(name)")
        do {
            _ = try ImageDecoder().decode(contentsOf: url)
            XCTFail("\(name) decoded without error")
            return nil
        } catch let e as ImageError {
            XCTAssertTrue(e.description.contains(url.path), "message must name the file: \(e)")
            XCTAssertTrue(e.isBadImageFile, "\(e)")
            XCTAssertEqual(e.path, url.path)
            return e
        } catch {
            XCTFail("unexpected error type \(error)")
            return nil
        }
    }

    func testTruncatedFilesOfEveryFormatAreRejected() {
        for (ext, format) in [("png", ImageFormat.png), ("jpg", .jpeg), ("gif", .gif), ("bmp", .bmp), ("webp", .webp)] {
            guard let e = decodeError("truncated.\(ext)") else { continue }
            guard case .truncated(_, let f, _) = e else {
                XCTFail("truncated.\(ext): expected .truncated, got \(e)")
                continue
            }
            XCTAssertEqual(f, format)
        }
        guard case .truncated(_, .png, _)? = decodeError("header-only.png") else { return XCTFail("header-only.png") }
    }

    func testNotAnImageAndEmptyFile() {
        XCTAssertEqual(decodeError("not-an-image.png"), .notAnImage(path: Fixtures.url("images/bad/not-an-image.png").path))
        XCTAssertEqual(decodeError("empty.jpg"), .notAnImage(path: Fixtures.url("images/bad/empty.jpg").path))
    }

    func testLyingHeaderIsRefusedBeforeAllocation() {
        guard case .tooLarge(_, 60000, 60000, _)? = decodeError("huge.png") else { return XCTFail("huge.png") }
    }

    func testMissingFileAndDirectory() {
        let missing = Fixtures.url("images/bad/does-not-exist.png")
        XCTAssertThrowsError(try ImageDecoder().decode(contentsOf: missing)) { error in
            XCTAssertEqual(error as? ImageError, .unreadable(path: missing.path, reason: "no such file"))
        }
        XCTAssertThrowsError(try ImageDecoder().decode(contentsOf: Fixtures.url("images/bad"))) { error in
            guard case .unreadable? = error as? ImageError else { return XCTFail("\(error)") }
        }
    }

    func testEveryTruncationPointOfEveryFormatFailsCleanly() throws {
        // Cut each valid file at every length: decoding must throw an ImageError or (for a few
        // trailing bytes libgd does not need) return the full-size image — never crash.
        for name in ["rgb.png", "photo.jpg", "palette.gif", "rgb.bmp", "lossless.webp"] {
            let data = [UInt8](try Data(contentsOf: Fixtures.url("images/decode/\(name)")))
            var accepted = 0
            for n in 0..<data.count {
                do {
                    let image = try ImageDecoder().decode(data: Array(data[0..<n]), source: name)
                    XCTAssertEqual([image.width, image.height], [11, 7], "\(name) cut at \(n)")
                    accepted += 1
                } catch is ImageError {
                } catch {
                    XCTFail("\(name) cut at \(n): \(error)")
                }
            }
            XCTAssertLessThanOrEqual(accepted, 2, "\(name): \(accepted) truncated lengths were accepted")
        }
    }

    func testSmallPixelLimit() throws {
        let decoder = ImageDecoder(maxPixels: 50)
        XCTAssertThrowsError(try decoder.decode(contentsOf: Fixtures.url("images/decode/rgb.png"))) { error in
            guard case .tooLarge(_, 11, 7, 50)? = error as? ImageError else { return XCTFail("\(error)") }
        }
    }
}
