import Foundation
import TestSupport
import XCTest
@testable import TensorFiles

final class SafetensorsFileTests: XCTestCase {
    func testFilesWrittenByPythonReadExactly() throws {
        let file = try SafetensorsFile(url: Fixtures.url("tensorfiles/all_dtypes.safetensors"))
        XCTAssertEqual(file.metadata, ["origin": "make_tensorfile_fixtures.py"])
        XCTAssertEqual(Set(file.names), ["f32", "f16", "f64", "u8", "i32", "i64", "bool", "scalar", "empty"])
        for name in file.names { ExpectedValues.check(try file.tensor(name), "all_dtypes.safetensors:\(name)") }
        let bf16 = try SafetensorsFile(url: Fixtures.url("tensorfiles/bf16.safetensors"))
        ExpectedValues.check(try bf16.tensor("x"), "bf16.safetensors:x")
    }

    func testRoundTripOfEveryDType() throws {
        let values: [Float] = [0, 1, -2, 3.5, 100, -7.25]
        var tensors: [(name: String, tensor: Tensor)] = DType.allCases.map { dtype in
            (dtype.rawValue.lowercased(), Tensor(floats: dtype == .u8 || dtype == .bool ? values.map(abs) : values, shape: [2, 3], dtype: dtype))
        }
        tensors.append(("ints", Tensor(int64s: [Int64.min, -1, Int64.max], shape: [3])))
        tensors.append(("i32s", Tensor(int32s: [Int32.min, 0, Int32.max], shape: [1, 3])))
        tensors.append(("scalar", Tensor(floats: [2.5], shape: [])))
        tensors.append(("empty", Tensor(floats: [], shape: [0, 4])))
        let url = temporaryDirectory().appendingPathComponent("round.safetensors")
        try SafetensorsWriter.write(tensors, metadata: ["k": "v \"quoted\"\n"], to: url)
        let file = try SafetensorsFile(url: url)
        XCTAssertEqual(file.names, tensors.map(\.name))
        XCTAssertEqual(file.metadata, ["k": "v \"quoted\"\n"])
        for (name, tensor) in tensors {
            XCTAssertEqual(try file.tensor(name), tensor, name)
        }
        XCTAssertEqual(try file.tensor("f16").floats(), values)
        XCTAssertEqual(try file.tensor("bf16").floats(), values)
        XCTAssertEqual(try file.tensor("bool").floats(), [0, 1, 1, 1, 1, 1])
        XCTAssertEqual(try file.tensor("ints").int64s(), [Int64.min, -1, Int64.max])
        // Header padded to 8 bytes, data contiguous: the file size is exactly header + data.
        let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as! Int
        let headerLength = try Data(contentsOf: url).prefix(8).withUnsafeBytes { Int($0.loadUnaligned(as: UInt64.self)) }
        XCTAssertEqual(headerLength % 8, 0)
        XCTAssertEqual(size, 8 + headerLength + tensors.reduce(0) { $0 + $1.tensor.bytes.count })
    }

    func testRowsReadOnlyTheSlice() throws {
        let x = (0..<24).map(Float.init)
        let url = temporaryDirectory().appendingPathComponent("rows.safetensors")
        try SafetensorsWriter.write([("x", Tensor(floats: x, shape: [4, 3, 2]))], to: url)
        let file = try SafetensorsFile(url: url)
        XCTAssertEqual(try file.floats("x", rows: 1..<3), Array(x[6..<18]))
        XCTAssertEqual(try file.floats("x", rows: 4..<4), [])
        XCTAssertThrowsError(try file.floats("x", rows: 3..<5)) { XCTAssertTrue("\($0)".contains("outside its 4 rows"), "\($0)") }
        XCTAssertThrowsError(try file.floats("y")) { XCTAssertTrue("\($0)".contains("no tensor 'y' (the file has: x)"), "\($0)") }
    }

    func testWriteIsAtomicAndRejectsBadNames() throws {
        let dir = temporaryDirectory()
        let url = dir.appendingPathComponent("a.safetensors")
        try SafetensorsWriter.write([("x", Tensor(floats: [1], shape: [1]))], to: url)
        XCTAssertThrowsError(try SafetensorsWriter.write([("x", Tensor(floats: [1], shape: [1])), ("x", Tensor(floats: [2], shape: [1]))], to: url))
        // The failed write left the previous file intact and no temporary file behind.
        XCTAssertEqual(try SafetensorsFile(url: url).floats("x"), [1])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["a.safetensors"])
    }

    func testTensorInitValidatesSize() {
        XCTAssertThrowsError(try Tensor(dtype: .f32, shape: [2, 2], bytes: [0, 0, 0, 0]))
        XCTAssertThrowsError(try Tensor(dtype: .f32, shape: [-1], bytes: []))
        XCTAssertNoThrow(try Tensor(dtype: .f16, shape: [2], bytes: [0, 0, 0, 0]))
    }

    func testHalfPrecisionRoundsToNearestEven() {
        // 1 + 2^-11 is halfway between f16 neighbours 1 and 1 + 2^-10: ties go to even (1).
        XCTAssertEqual(Tensor(floats: [1 + 0x1p-11, 1 + 3 * 0x1p-11], shape: [2], dtype: .f16).floats(), [1, 1 + 0x1p-9])
        // bf16 keeps 8 significand bits: 1 + 2^-8 ties to 1, 1 + 3·2^-8 ties to 1 + 2^-6.
        XCTAssertEqual(Tensor(floats: [1 + 0x1p-8, 1 + 3 * 0x1p-8], shape: [2], dtype: .bf16).floats(), [1, 1 + 0x1p-6])
        XCTAssertTrue(Tensor(floats: [.nan], shape: [1], dtype: .bf16).floats()[0].isNaN)
    }
}
