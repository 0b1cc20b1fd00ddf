import Foundation
import TestSupport
import XCTest
@testable import TensorFiles

final class NPYReaderTests: XCTestCase {
    func testEveryDTypeVersionAndOrderReadsExactly() throws {
        let names = ExpectedValues.all.keys.filter { $0.hasSuffix(".npy") && !$0.contains(":") }
        XCTAssertEqual(names.count, 21)
        for name in names.sorted() {
            ExpectedValues.check(try NPYReader.read(url: Fixtures.url("tensorfiles/\(name)")), name)
        }
    }

    func testViewMatchesFullReadAndSlicesRows() throws {
        let url = Fixtures.url("tensorfiles/version2_f4.npy")
        let full = try NPYReader.read(url: url)
        let view = try NPYReader.view(url: url)
        XCTAssertEqual(try view.tensor(), full)
        XCTAssertEqual(try view.floats(rows: 1..<2), Array(full.floats()[12..<24]))
        // Fortran order is decoded (transposed) into memory, and still reads the same.
        let fortran = Fixtures.url("tensorfiles/fortran_f8.npy")
        XCTAssertEqual(try NPYReader.view(url: fortran).tensor(), try NPYReader.read(url: fortran))
    }

    func testFortranToCTransposesByIndex() {
        // Shape [2, 3] in Fortran order stores column by column: a00 a10 a01 a11 a02 a12.
        let fortran: [UInt8] = [0, 3, 1, 4, 2, 5]
        let c = fortran.withUnsafeBytes { NPYReader.fortranToC($0, shape: [2, 3], itemSize: 1) }
        XCTAssertEqual(c, [0, 1, 2, 3, 4, 5])
    }

    // MARK: - Bad input

    func testBadMagic() {
        var bytes = npy(descr: "<f4", shape: "(2,)", data: [UInt8](repeating: 0, count: 8))
        bytes[1] = UInt8(ascii: "X")
        assertError(bytes, contains: "magic string")
    }

    func testBigEndianIsRejected() {
        assertError(npy(descr: ">f4", shape: "(2,)", data: [UInt8](repeating: 0, count: 8)), contains: "big-endian")
    }

    func testObjectDTypeIsRejected() {
        assertError(npy(descr: "|O", shape: "(2,)", data: [UInt8](repeating: 0, count: 16)), contains: "object arrays")
    }

    func testTruncatedDataIsRejectedBeforeAllocating() {
        // The header claims 2^40 floats; the file holds 8 bytes.
        assertError(npy(descr: "<f4", shape: "(1099511627776,)", data: [UInt8](repeating: 0, count: 8)), contains: "truncated")
    }

    func testOverflowingAndNegativeShapes() {
        assertError(npy(descr: "<f4", shape: "(4294967296, 4294967296)", data: []), contains: "overflows")
        assertError(npy(descr: "<f4", shape: "(99999999999999999999999,)", data: []), contains: "fits in 64 bits")
        assertError(npy(descr: "<f4", shape: "(-2, 3)", data: []), contains: "negative")
    }

    func testMalformedHeaders() {
        assertError(npy(header: "{'descr': '<f4', 'shape': (2,), }", data: []), contains: "fortran_order")
        assertError(npy(header: "not a dict at all", data: []), contains: "header is not valid")
        assertError(npy(header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,", data: []), contains: "not closed")
        assertError(Array(NPYHeader.magic) + [1, 0, 200, 0] + Array("{}".utf8), contains: "truncated")
        assertError(Array(NPYHeader.magic) + [9, 0, 2, 0] + Array("{}".utf8), contains: "version 9.0")
    }

    func testUInt64AboveInt64MaxIsRejected() {
        assertError(npy(descr: "<u8", shape: "(1,)", data: [UInt8](repeating: 0xFF, count: 8)), contains: "does not fit in int64")
    }

    func testStringArrays() throws {
        let ids = "ab\0\0c\0\0\0".unicodeScalars.flatMap { s -> [UInt8] in ElementCodec.littleEndianBytes([s.value]) }
        XCTAssertEqual(try NPYReader.readStrings(data: npy(descr: "<U4", shape: "(2,)", data: ids), source: "ids.npy"), ["ab", "c"])
        XCTAssertThrowsError(try NPYReader.read(data: npy(descr: "<U4", shape: "(2,)", data: ids), source: "ids.npy")) {
            XCTAssertTrue("\($0)".contains("holds strings"), "\($0)")
        }
    }

    // MARK: - Helpers

    private func npy(descr: String, shape: String, data: [UInt8]) -> [UInt8] {
        npy(header: "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }", data: data)
    }

    /// A version 1 `.npy` with the given header text, padded like numpy pads it.
    private func npy(header: String, data: [UInt8]) -> [UInt8] {
        var text = Array(header.utf8)
        while (10 + text.count + 1) % 64 != 0 { text.append(0x20) }
        text.append(0x0A)
        return NPYHeader.magic + [1, 0, UInt8(text.count & 0xFF), UInt8(text.count >> 8)] + text + data
    }

    private func assertError(_ bytes: [UInt8], contains phrase: String, line: UInt = #line) {
        XCTAssertThrowsError(try NPYReader.read(data: bytes, source: "bad.npy"), line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("bad.npy: "), message, line: line)
            XCTAssertTrue(message.contains(phrase), "'\(message)' does not mention '\(phrase)'", line: line)
        }
    }
}
