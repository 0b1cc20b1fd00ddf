import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// ViTModel and CLIPVisionModel against an independent numpy implementation of HF's semantics
/// (`scripts/fixtures/make_tiny_vits.py`) on tiny random-weight HF folders: every layer within 1e-4.
final class TinyViTModelsTests: XCTestCase {
    static let tolerance: Float = 1e-4

    private func check(folder: String, key: String, architecture: String, expectsFinalNorm: Bool) throws {
        let model = try ModelFolder(url: Fixtures.url("models/\(folder)")).load()
        XCTAssertEqual(model.spec.architecture, architecture)
        let reference = try SafetensorsFile(url: Fixtures.url("models/tiny_vits_reference.safetensors"))
        let shape = try reference.info("pixels").shape            // [n, 3, 32, 32]
        let n = shape[0], size = shape[2], layers = model.spec.layers
        let out = try model.forward(
            pixels: try reference.floats("pixels"), images: n, height: size, width: size,
            capture: CaptureRequest(hiddenLayers: Set(0...layers), received: true,
                                    attentionLayers: Set(1...layers), finalLayerNorm: true))
        var report: [String] = []
        func compare(_ mine: [Float], _ name: String) throws {
            let e = maxRelativeError(mine, try reference.floats(name))
            report.append(String(format: "%@ %.1e", name, e))
            XCTAssertLessThan(e, Self.tolerance, name)
        }
        for l in 0...layers { try compare(out.flatMap { $0.hidden[l]! }, "\(key).hidden.\(l)") }
        for l in 1...layers {
            try compare(out.flatMap { $0.attention[l]! }, "\(key).attn.\(l)")
            try compare(out.flatMap { $0.received[l]! }, "\(key).received.\(l)")
        }
        if expectsFinalNorm {
            try compare(out.flatMap { $0.lastHiddenState! }, "\(key).last_hidden_state")
        } else {
            XCTAssertNil(out[0].lastHiddenState, "CLIP has no final LayerNorm on the token sequence")
            try compare(out.flatMap { $0.hidden[layers]! }, "\(key).last_hidden_state")
        }
        print("\(architecture) vs numpy: " + report.joined(separator: ", "))
    }

    func testViTModelMatchesNumpyInEveryLayer() throws {
        try check(folder: "tiny-vit", key: "vit", architecture: "ViTModel", expectsFinalNorm: true)
    }

    func testCLIPVisionModelMatchesNumpyInEveryLayer() throws {
        try check(folder: "tiny-clip", key: "clip", architecture: "CLIPVisionModel", expectsFinalNorm: false)
    }

    func testViTRejectsAnInputSizeItWasNotTrainedFor() throws {
        let model = try ModelFolder(url: Fixtures.url("models/tiny-vit")).load()
        XCTAssertThrowsError(try model.forward(pixels: [Float](repeating: 0, count: 3 * 40 * 40), images: 1, height: 40, width: 40,
                                               capture: CaptureRequest(hiddenLayers: [0]))) { error in
            XCTAssertEqual("\(error)", "Invalid model input: ViTModel needs 32×32 input (a 4×4 patch grid), got a 5×5 grid.")
        }
        XCTAssertThrowsError(try model.forward(pixels: [1, 2, 3], images: 1, height: 32, width: 32, capture: CaptureRequest(hiddenLayers: [0]))) { error in
            XCTAssertEqual("\(error)", "Invalid model input: 3 pixel values for 1 images of 3×32×32 (expected 3072).")
        }
    }

    func testAMissingTensorListsTheNamesThatExist() throws {
        let source = try ModelWeights(safetensors: Fixtures.url("models/tiny-vit/model.safetensors"))
        var weights = ModelWeights(source: "pruned.safetensors")
        for name in source.names where name != "encoder.layer.1.output.dense.weight" {
            let e = source.entries[name]!
            weights.set(name, shape: e.shape, values: e.values)
        }
        let config = try JSONDecoder().decode(ViTConfig.self, from: Data(contentsOf: Fixtures.url("models/tiny-vit/config.json")))
        XCTAssertThrowsError(try VisionTransformer.vit(config: config, weights: weights)) { error in
            guard case ModelError.missingWeight("encoder.layer.1.output.dense.weight", "pruned.safetensors", let available) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(available.count, source.names.count - 1)
            XCTAssertTrue("\(error)".hasPrefix("The weights in pruned.safetensors have no tensor 'encoder.layer.1.output.dense.weight' (it has"))
        }
    }
}
