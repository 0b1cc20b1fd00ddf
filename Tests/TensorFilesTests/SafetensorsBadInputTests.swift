import Foundation
import TestSupport
import XCTest
@testable import TensorFiles

/// Hostile and broken safetensors files: each must give one sentence naming the file and the
/// problem, and nothing may be allocated from a size the file cannot back.
final class SafetensorsBadInputTests: XCTestCase {
    private let good = #"{"x":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}}"#

    func testTruncatedFiles() throws {
        try assertOpenError(bytes: [1, 2, 3], contains: "truncated: the 8-byte header length")
        let whole = file(header: good, data: 16)
        // Cut inside the data: the offsets now point past the end of the data region.
        try assertOpenError(bytes: Array(whole.dropLast(4)), contains: "outside the data region of 12 bytes")
    }

    func testHeaderLengthLargerThanTheFile() throws {
        var bytes = file(header: good, data: 16)
        bytes.replaceSubrange(0..<8, with: ElementCodec.littleEndianBytes([UInt64(1) << 40]))
        try assertOpenError(bytes: bytes, contains: "header length 1099511627776 is larger than the file")
        bytes.replaceSubrange(0..<8, with: ElementCodec.littleEndianBytes([UInt64.max]))
        try assertOpenError(bytes: bytes, contains: "is larger than the file")
    }

    func testHeaderThatIsNotJSON() throws {
        try assertOpenError(bytes: file(header: "this is not json at all!", data: 0), contains: "it is not JSON")
        try assertOpenError(bytes: file(header: "[1, 2, 3]", data: 0), contains: "header is not valid")
        try assertOpenError(bytes: file(header: #"{"x": 5}"#, data: 0), contains: "'x' is not a")
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[1]}}"#, data: 4), contains: "no 'data_offsets' field")
        try assertOpenError(bytes: file(header: #"{"__metadata__":{"a":1}}"#, data: 0), contains: "'__metadata__.a' is not a string")
    }

    func testUnknownDType() throws {
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F8_E4M3","shape":[1],"data_offsets":[0,1]}}"#, data: 1), contains: "unknown dtype 'F8_E4M3'")
    }

    func testOffsetsOutsideTheFile() throws {
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: 8), contains: "data_offsets [0, 16] outside the data region of 8 bytes")
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, data: 8), contains: "data_offsets [8, 4] outside")
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[0],"data_offsets":[-4,0]}}"#, data: 8), contains: "outside the data region")
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"U8","shape":[2],"data_offsets":[9223372036854775806,9223372036854775808]}}"#, data: 8), contains: "two integers")
    }

    func testOverlappingTensors() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#
        try assertOpenError(bytes: file(header: header, data: 12), contains: "tensors 'a' and 'b' overlap")
    }

    func testShapeTimesDTypeSizeDifferentFromOffsets() throws {
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}}"#, data: 16), contains: "needs 12 bytes for its shape and dtype but its data_offsets span 16")
    }

    func testNegativeAndOverflowingShapes() throws {
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[-1,4],"data_offsets":[0,16]}}"#, data: 16), contains: "dimension -1 is negative")
        // 2^32 × 2^32 elements overflow 64 bits; the check must not multiply unchecked.
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}"#, data: 16), contains: "size in bytes overflows")
        // 2^62 elements fit Int but 2^62 × 4 bytes do not.
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,16]}}"#, data: 16), contains: "overflows")
        try assertOpenError(bytes: file(header: #"{"x":{"dtype":"F32","shape":[1e30],"data_offsets":[0,16]}}"#, data: 16), contains: "not an integer that fits in 64 bits")
    }

    func testTheFilesStayReadableWhenValid() throws {
        let url = try write(file(header: good, data: 16))
        XCTAssertEqual(try SafetensorsFile(url: url).floats("x").count, 4)
    }

    // MARK: - Helpers

    /// A safetensors file with `header` (padded to 8 bytes) and `data` zero bytes.
    private func file(header: String, data: Int) -> [UInt8] {
        var h = Array(header.utf8)
        while h.count % 8 != 0 { h.append(0x20) }
        return ElementCodec.littleEndianBytes([UInt64(h.count)]) + h + [UInt8](repeating: 0, count: data)
    }

    private func write(_ bytes: [UInt8]) throws -> URL {
        let url = temporaryDirectory().appendingPathComponent("bad.safetensors")
        try Data(bytes).write(to: url)
        return url
    }

    private func assertOpenError(bytes: [UInt8], contains phrase: String, line: UInt = #line) throws {
        let url = try write(bytes)
        XCTAssertThrowsError(try SafetensorsFile(url: url), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(url.path + ": "), message, line: line)
            XCTAssertTrue(message.contains(phrase), "'\(message)' does not mention '\(phrase)'", line: line)
            XCTAssertEqual(message.filter { $0 == "\n" }.count, 0, line: line)
        }
    }
}
