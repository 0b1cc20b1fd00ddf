import Foundation
import TestSupport
import XCTest

@testable import Images

final class PNGColorProfileTests: XCTestCase {
    private func png(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Fixtures.url("images/decode/\(name)")))
    }

    /// An `iCCP` chunk spliced in after IHDR is removed again, leaving the original bytes.
    func testSplicedProfileIsRemovedExactly() throws {
        let original = try png("gray.png")
        let ihdrEnd = 8 + 12 + 13
        let payload = Array("ICC Profile".utf8) + [0, 0] + [UInt8](repeating: 7, count: 40)
        let length = UInt32(payload.count)
        let chunk = [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
            + Array("iCCP".utf8) + payload + [0, 0, 0, 0]
        let withProfile = Array(original[..<ihdrEnd]) + chunk + Array(original[ihdrEnd...])
        XCTAssertEqual(PNGColorProfile.stripped(withProfile), original)
    }

    func testFilesWithoutAProfileOrWithBrokenChunksAreUntouched() throws {
        let original = try png("palette.png")
        XCTAssertEqual(PNGColorProfile.stripped(original), original)
        let truncated = Array(original.prefix(original.count - 7))
        XCTAssertEqual(PNGColorProfile.stripped(truncated), truncated)
    }

    /// A real photo with an embedded profile loses only that chunk. (Its pixels still equal PIL's:
    /// PreprocessorTests compares every cached photo with PIL, which ignores the profile too.)
    func testRealPhotoLosesOnlyItsProfile() throws {
        let url = Fixtures.cache.appendingPathComponent("photos/astronaut.png")
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw XCTSkip("astronaut.png is not cached: run scripts/setup.sh")
        }
        let bytes = [UInt8](data)
        let stripped = PNGColorProfile.stripped(bytes)
        XCTAssertLessThan(stripped.count, bytes.count, "astronaut.png carries an iCCP chunk")
        XCTAssertNil(stripped.indices.dropLast(4).first { stripped[$0..<$0 + 4].elementsEqual("iCCP".utf8) })
        let decoded = try ImageDecoder().decode(data: bytes, source: "astronaut.png")
        XCTAssertEqual(decoded.width, 512)
        XCTAssertEqual(decoded.height, 512)
    }
}
