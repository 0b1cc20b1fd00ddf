import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// `--capture values` (value_norm.{l}, value_out.{l}) against the same quantities computed in PyTorch from
/// transformers' eager forward on tiny random DINOv2 and CLIP towers (`scripts/fixtures/value_reference.py`):
/// every block within 1e-4 relative.
final class ValueContributionTests: XCTestCase {
    static let tolerance: Float = 1e-4

    func testValueNormsAndContributionsMatchPyTorchInEveryBlock() throws {
        let modules = ["torch", "transformers", "safetensors"]
        try Python.require(modules)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("values-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/value_reference.py").path
        let result = try Python.run([script, dir.path])
        XCTAssertEqual(result.status, 0, result.output)
        guard result.status == 0 else { return }
        let reference = try SafetensorsFile(url: dir.appendingPathComponent("reference.safetensors"))
        var report: [String] = []
        for name in ["dinov2", "clip"] {
            let model = try ModelFolder(url: dir.appendingPathComponent(name)).load()
            let capture = CaptureRequest(hiddenLayers: [], values: true)
            let out = try model.forward(
                pixels: try reference.floats("\(name).pixels"), images: 2, height: 28, width: 28, capture: capture, threads: 2)
            var worst: Float = 0
            for l in 1...model.spec.layers {
                let norms = maxRelativeError(out.flatMap { $0.valueNorms[l] ?? [] }, try reference.floats("\(name).value_norm.\(l)"))
                let outputs = maxRelativeError(out.flatMap { $0.valueOutputs[l] ?? [] }, try reference.floats("\(name).value_out.\(l)"))
                XCTAssertLessThan(norms, Self.tolerance, "\(name) value_norm.\(l)")
                XCTAssertLessThan(outputs, Self.tolerance, "\(name) value_out.\(l)")
                worst = max(worst, norms, outputs)
            }
            report.append(String(format: "%@ %.1e", name, worst))
        }
        print("value norms and contributions vs PyTorch (worst block): " + report.joined(separator: ", "))
    }

    func testCapturingValuesLeavesTheHiddenStatesUnchanged() throws {
        let model = try ModelFolder(url: Fixtures.url("models/tiny-vit")).load()
        var random = TestRandom(seed: 5)
        let pixels = (0..<(2 * 3 * 32 * 32)).map { _ in Float.random(in: -1...1, using: &random) }
        let layers = model.spec.layers
        let plain = try model.forward(pixels: pixels, images: 2, height: 32, width: 32, capture: .all(layers: layers))
        var request = CaptureRequest.all(layers: layers)
        request.values = true
        let values = try model.forward(pixels: pixels, images: 2, height: 32, width: 32, capture: request)
        for l in 0...layers { XCTAssertEqual(plain[1].hidden[l], values[1].hidden[l]) }
        XCTAssertEqual(plain[0].received, values[0].received)
        XCTAssertEqual(Set(values[0].valueNorms.keys), Set(1...layers))
        XCTAssertTrue(plain[0].valueNorms.isEmpty)
    }
}
