import Foundation
import ONNXFormat
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

final class Dinov2ONNXConversionTests: XCTestCase {
    private var onnxURL: URL { ModelResolver(cache: Fixtures.cache).onnxURL }

    /// The conversion transposes every MatMul weight, reassembles the position embeddings, reads the
    /// config off the graph, records each step, and writes an HF folder that loads back.
    func testConvertsTheRealExportIntoAnHFFolder() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: onnxURL.path), "\(onnxURL.path) missing: run scripts/setup.sh")
        let onnx = try ONNXModel(url: onnxURL)
        let (config, weights, record) = try Dinov2ONNXConversion.convert(onnx)

        XCTAssertEqual(config.hiddenSize, 384)
        XCTAssertEqual(config.numHiddenLayers, 12)
        XCTAssertEqual(config.numAttentionHeads, 6)
        XCTAssertEqual(config.patchSize, 14)
        XCTAssertEqual(config.imageSize, 518)
        XCTAssertEqual(config.layerNormEps, 1e-6, accuracy: 1e-12)
        XCTAssertEqual(config.mlpRatio, 4)

        // fc1 of block 5: ONNX B is [384, 1536] (in, out); HF weight[o, i] must equal B[i, o].
        let node = try XCTUnwrap(onnx.node(named: "/backbone/encoder/layer.5/mlp/fc1/MatMul"))
        let b = try onnx.initializer(node.input[1])
        let w = try weights.tensor("encoder.layer.5.mlp.fc1.weight", shape: [1536, 384])
        for (o, i) in [(0, 0), (1535, 383), (17, 301), (900, 2)] { XCTAssertEqual(w[o * 384 + i], b.values[i * 1536 + o]) }

        let pos = try weights.tensor("embeddings.position_embeddings", shape: [1, 1370, 384])
        XCTAssertEqual(Array(pos[..<384]), try onnx.initializer("onnx::Concat_1957").values)
        XCTAssertEqual(Array(pos[384...]), try onnx.initializer("onnx::Reshape_1962").values)
        XCTAssertEqual(try weights.tensor("encoder.layer.11.layer_scale2.lambda1", shape: [384]),
                       try onnx.initializer("backbone.encoder.layer.11.layer_scale2.lambda1").values)

        // 3 embedding tensors + position + 12 blocks × 18 + final norm 2 = 222 HF parameters, each recorded.
        XCTAssertEqual(weights.names.count, 222)
        XCTAssertEqual(Set(record.steps.map(\.target)), Set(weights.names))
        XCTAssertEqual(record.steps.filter { $0.transform.hasPrefix("transpose") }.count, 12 * 6)
        XCTAssertFalse(weights.names.contains { $0.hasPrefix("decoder") || $0.hasPrefix("backbone.") })

        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = try ModelFolder.write(config: config, weights: weights, record: record, to: dir.appendingPathComponent("dinov2"))
        let written = try SafetensorsFile(url: folder.weightsURL)
        XCTAssertEqual(written.metadata["format"], "pt")
        XCTAssertEqual(try written.floats("encoder.layer.5.mlp.fc1.weight"), w)
        let loaded = try folder.load()
        XCTAssertEqual(loaded.spec.architecture, "Dinov2Model")
        XCTAssertEqual(loaded.spec.heads, 6)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.url.appendingPathComponent("conversion.json"))) as? [String: Any]
        XCTAssertEqual((json?["steps"] as? [Any])?.count, 222)
        // Nothing but the finished folder is left in the parent directory.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["dinov2"])
    }

    func testNonDINOv2GraphIsRejectedWithOneSentence() throws {
        var node = Onnx_NodeProto()
        node.name = "/Relu"
        node.opType = "Relu"
        var model = Onnx_ModelProto()
        model.graph.node = [node]
        let onnx = try ONNXModel(data: try model.serializedData(), url: URL(fileURLWithPath: "/tmp/other.onnx"))
        XCTAssertThrowsError(try Dinov2ONNXConversion.convert(onnx)) { error in
            XCTAssertEqual("\(error)", "Cannot convert /tmp/other.onnx: it has no initializer backbone.embeddings.cls_token, so it is not a DINOv2 export with HF names.")
        }
    }
}
