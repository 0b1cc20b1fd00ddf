import Foundation
import TestSupport
import XCTest
@testable import TensorFiles

final class NPZReaderTests: XCTestCase {
    func testStoredAndDeflatedArchivesReadExactly() throws {
        for archive in ["stored.npz", "deflated.npz"] {
            let url = Fixtures.url("tensorfiles/\(archive)")
            let npz = try NPZArchive(url: url)
            XCTAssertEqual(npz.names, ["hidden", "mask", "steps", "big", "image_ids"])
            for name in ["hidden", "mask", "steps", "big"] {
                ExpectedValues.check(try npz.tensor(name), "\(archive):\(name)")
            }
            XCTAssertEqual(try npz.strings("image_ids"), ExpectedValues.all["\(archive):image_ids"]?.strings)
            XCTAssertEqual(try npz.arrayInfo("hidden").shape, [2, 3, 4])
            XCTAssertEqual(try npz.arrayInfo("image_ids").dtype, nil)
        }
    }

    func testReadAllFailsClearlyOnStringArrays() {
        XCTAssertThrowsError(try NPZReader.read(url: Fixtures.url("tensorfiles/stored.npz"))) { error in
            XCTAssertTrue("\(error)".contains("image_ids.npy: the array holds strings"), "\(error)")
        }
    }

    func testMissingArrayListsTheNames() throws {
        let npz = try NPZArchive(url: Fixtures.url("tensorfiles/stored.npz"))
        XCTAssertThrowsError(try npz.view("nope")) { XCTAssertTrue("\($0)".contains("(the file has: hidden, mask"), "\($0)") }
    }

    // MARK: - Entries lying about their size

    func testStoredEntryDeclaringMoreBytesThanTheFileHas() throws {
        var bytes = try fixture("stored.npz")
        let record = try centralRecord(of: "mask.npy", in: bytes)
        put32(&bytes, record + 20, 0x7FFF_0000)  // compressed size
        put32(&bytes, record + 24, 0x7FFF_0000)  // uncompressed size
        try assertOpenError(bytes, contains: "lies about its size: it declares 2147418112 compressed bytes")
    }

    func testStoredEntryWithDifferentStoredAndUncompressedSizes() throws {
        var bytes = try fixture("stored.npz")
        let record = try centralRecord(of: "mask.npy", in: bytes)
        put32(&bytes, record + 24, get32(bytes, record + 24) + 1)
        try assertOpenError(bytes, contains: "lies about its size: it is stored")
    }

    func testDeflatedEntryInflatingToFewerOrMoreBytesThanDeclared() throws {
        for (delta, phrase) in [(1000, "inflates to 0"), (-10, "inflates to more than")] {
            var bytes = try fixture("deflated.npz")
            let record = try centralRecord(of: "big.npy", in: bytes)
            put32(&bytes, record + 24, UInt32(Int(get32(bytes, record + 24)) + delta))
            let url = try write(bytes)
            let npz = try NPZArchive(url: url)
            XCTAssertThrowsError(try npz.tensor("big")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("lies about its size"), message)
                if delta < 0 { XCTAssertTrue(message.contains(phrase), message) } else { XCTAssertTrue(message.contains("ends early") || message.contains("inflates to"), message) }
            }
            // The other entries are still readable.
            XCTAssertEqual(try npz.tensor("mask").shape, [2, 3])
        }
    }

    func testHugeDeclaredSizeDoesNotAllocateIt() throws {
        var bytes = try fixture("deflated.npz")
        let record = try centralRecord(of: "big.npy", in: bytes)
        put32(&bytes, record + 24, 0xFFFF_FFF0)  // 4 GB declared for a 16 KB array
        let npz = try NPZArchive(url: try write(bytes))
        XCTAssertThrowsError(try npz.tensor("big")) { XCTAssertTrue("\($0)".contains("lies about its size"), "\($0)") }
    }

    func testCorruptDataFailsCRC() throws {
        var bytes = try fixture("stored.npz")
        let record = try centralRecord(of: "steps.npy", in: bytes)
        let local = Int(get32(bytes, record + 42))
        let dataStart = local + 30 + Int(get16(bytes, local + 26)) + Int(get16(bytes, local + 28))
        bytes[dataStart + 130] ^= 0xFF
        let npz = try NPZArchive(url: try write(bytes))
        XCTAssertThrowsError(try npz.tensor("steps")) { XCTAssertTrue("\($0)".contains("CRC-32"), "\($0)") }
    }

    func testTruncatedAndNonZipFiles() throws {
        let bytes = try fixture("stored.npz")
        try assertOpenError(Array(bytes[0..<(bytes.count - 30)]), contains: "end-of-central-directory")
        try assertOpenError(Array("hello".utf8), contains: "too short")
        try assertOpenError([UInt8](repeating: 7, count: 100), contains: "not a zip")
    }

    func testUnsupportedCompressionMethod() throws {
        var bytes = try fixture("deflated.npz")
        let record = try centralRecord(of: "mask.npy", in: bytes)
        bytes[record + 10] = 12  // bzip2
        try assertOpenError(bytes, contains: "compression method 12")
    }

    // MARK: - Helpers

    private func fixture(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: Fixtures.url("tensorfiles/\(name)"))) }

    private func write(_ bytes: [UInt8]) throws -> URL {
        let url = temporaryDirectory().appendingPathComponent("bad.npz")
        try Data(bytes).write(to: url)
        return url
    }

    private func assertOpenError(_ bytes: [UInt8], contains phrase: String, line: UInt = #line) throws {
        let url = try write(bytes)
        XCTAssertThrowsError(try NPZArchive(url: url), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path + ": "), message, line: line)
            XCTAssertTrue(message.contains(phrase), "'\(message)' does not mention '\(phrase)'", line: line)
        }
    }

    /// Offset of the central directory record of `entry`.
    private func centralRecord(of entry: String, in bytes: [UInt8]) throws -> Int {
        let name = Array(entry.utf8)
        for p in 0..<(bytes.count - 46) where get32(bytes, p) == 0x0201_4b50 {
            let n = Int(get16(bytes, p + 28))
            if Array(bytes[(p + 46)..<(p + 46 + n)]) == name { return p }
        }
        throw XCTSkip("no record for \(entry)")
    }

    private func get16(_ b: [UInt8], _ p: Int) -> UInt16 { UInt16(b[p]) | UInt16(b[p + 1]) << 8 }
    private func get32(_ b: [UInt8], _ p: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[p + $1]) << (8 * $1) } }
    private func put32(_ b: inout [UInt8], _ p: Int, _ v: UInt32) { for i in 0..<4 { b[p + i] = UInt8((v >> (8 * i)) & 0xFF) } }
}
