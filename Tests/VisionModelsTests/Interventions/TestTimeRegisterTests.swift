import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// Test-time registers (`TestTimeRegister`) against the procedure of Jiang et al. 2025 re-implemented with
/// forward hooks on transformers' Dinov2Model (`scripts/fixtures/test_time_register_reference.py`: a zero
/// token appended after the embeddings, the listed neurons moved in `mlp.activation_fn`): the image's
/// tokens, the extra token and the received attention within 1e-4 relative at every layer.
final class TestTimeRegisterTests: XCTestCase {
    static let tolerance: Float = 1e-4

    func testTestTimeRegisterMatchesPyTorchInEveryLayer() throws {
        let modules = ["torch", "transformers", "safetensors"]
        try Python.require(modules)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("ttr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/test_time_register_reference.py").path
        let result = try Python.run([script, dir.path])
        XCTAssertEqual(result.status, 0, result.output)
        guard result.status == 0 else { return }

        let model = try ModelFolder(url: dir.appendingPathComponent("model")).load()
        let reference = try SafetensorsFile(url: dir.appendingPathComponent("reference.safetensors"))
        let layers = model.spec.layers, d = model.spec.hiddenSize, t = 17
        let ttr = TestTimeRegister(neurons: [1: [3, 17, 40], 2: [5]], prefixTokens: 1)
        let out = try model.forward(
            pixels: try reference.floats("pixels"), images: 2, height: 28, width: 28, capture: .all(layers: layers), threads: 2,
            hooks: ttr.hooks())
        var worst: Float = 0
        for l in 0...layers {
            // Reference rows per image: the T image tokens, then the extra token.
            let joined = out.flatMap { $0.hidden[l]! + ($0.extra?.hidden[l] ?? []) }
            XCTAssertEqual(out[0].hidden[l]?.count, t * d)
            let e = maxRelativeError(joined, try reference.floats("hidden.\(l)"))
            XCTAssertLessThan(e, Self.tolerance, "hidden.\(l)")
            worst = max(worst, e)
            // The extra token's own rows, against its own scale (it starts at zero, then grows).
            let ref = try reference.floats("hidden.\(l)")
            var extraRef: [Float] = []
            for i in 0..<2 {
                let start = (i * (t + 1) + t) * d
                extraRef += ref[start..<(start + d)]
            }
            if l > 0 { XCTAssertLessThan(maxRelativeError(out.flatMap { $0.extra!.hidden[l]! }, extraRef), Self.tolerance, "extra hidden.\(l)") }
        }
        XCTAssertEqual(out[0].extra?.hidden[0], [Float](repeating: 0, count: d), "the extra token enters as zeros")
        for l in 1...layers {
            let joined = out.flatMap { $0.received[l]! + ($0.extra?.received[l] ?? []) }
            let e = maxRelativeError(joined, try reference.floats("received.\(l)"))
            XCTAssertLessThan(e, Self.tolerance, "received.\(l)")
            worst = max(worst, e)
        }
        XCTAssertEqual(out[0].norms.count, (layers + 1) * t)
        XCTAssertEqual(out[0].extra?.norms.count, layers + 1)
        print(String(format: "test-time register vs PyTorch (worst layer): %.1e", worst))
    }

    func testExtraTokensAreRefusedWhereTheyCannotBePlaced() throws {
        let model = try ModelFolder(url: Fixtures.url("models/tiny-vit")).load()
        let pixels = [Float](repeating: 0.1, count: 3 * 32 * 32)
        let request = CaptureRequest(hiddenLayers: [0], attentionLayers: [1])
        XCTAssertThrowsError(try model.forward(
            pixels: pixels, images: 1, height: 32, width: 32, capture: request,
            hooks: TestTimeRegister(neurons: [1: [0]], prefixTokens: 1).hooks())) { error in
            XCTAssertTrue("\(error)".contains("whole attention maps"), "\(error)")
        }
    }
}
