import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// Zero, mean and knockout through `ForwardHooks` against the same interventions written in PyTorch
/// on transformers' Dinov2Model (`scripts/fixtures/intervention_reference.py`: a tiny random model
/// built and saved at test time, forward hooks for zero/mean, an additive −∞ mask in eager attention
/// for knockout): every hidden state and received attention within 1e-4 relative.
final class TokenInterventionTests: XCTestCase {
    static let tolerance: Float = 1e-4

    func testInterventionsMatchPyTorchInEveryLayer() throws {
        let modules = ["torch", "transformers", "safetensors"]
        guard Python.canImport(modules) else { throw XCTSkip(Python.missing(modules)) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("interventions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/intervention_reference.py").path
        let result = try Python.run([script, dir.path])
        XCTAssertEqual(result.status, 0, result.output)
        guard result.status == 0 else { return }

        let model = try ModelFolder(url: dir.appendingPathComponent("model")).load()
        let reference = try SafetensorsFile(url: dir.appendingPathComponent("reference.safetensors"))
        let layers = model.spec.layers, pixels = try reference.floats("pixels")
        let cases: [(String, InterventionKind, [[Int]], [Int])] = [
            ("clean", .none, [[0], [0]], []),
            ("zero_cls", .zero, [[0], [0]], [1, 2]),
            ("mean_patches", .mean, [[3, 9], [5]], [0, 2]),
            ("knockout_cls", .knockout, [[0], [0]], [1, 2, 3]),
            ("knockout_patches", .knockout, [[4, 11], [2]], [2]),
        ]
        var report: [String] = []
        for (name, kind, tokens, at) in cases {
            let edit = TokenIntervention(kind: kind, tokens: Dictionary(uniqueKeysWithValues: at.map { ($0, tokens) }), prefixTokens: 1)
            let out = try model.forward(
                pixels: pixels, images: 2, height: 28, width: 28, capture: .all(layers: layers), hooks: edit.hooks())
            var worst: Float = 0
            for l in 0...layers {
                let e = maxRelativeError(out.flatMap { $0.hidden[l]! }, try reference.floats("\(name).hidden.\(l)"))
                XCTAssertLessThan(e, Self.tolerance, "\(name) hidden.\(l)")
                worst = max(worst, e)
            }
            for l in 1...layers {
                let e = maxRelativeError(out.flatMap { $0.received[l]! }, try reference.floats("\(name).received.\(l)"))
                XCTAssertLessThan(e, Self.tolerance, "\(name) received.\(l)")
                worst = max(worst, e)
            }
            report.append(String(format: "%@ %.1e", name, worst))
        }
        print("interventions vs PyTorch (worst layer): " + report.joined(separator: ", "))
    }

    func testNoHooksLeavesTheForwardBitIdentical() throws {
        let model = try ModelFolder(url: Fixtures.url("models/tiny-vit")).load()
        var random = TestRandom(seed: 3)
        let pixels = (0..<(2 * 3 * 32 * 32)).map { _ in Float.random(in: -1...1, using: &random) }
        let plain = try model.forward(pixels: pixels, images: 2, height: 32, width: 32, capture: .all(layers: model.spec.layers))
        let none = try model.forward(
            pixels: pixels, images: 2, height: 32, width: 32, capture: .all(layers: model.spec.layers),
            hooks: TokenIntervention(kind: .none, tokens: [1: [[0], [0]]], prefixTokens: 1).hooks())
        for l in 0...model.spec.layers {
            XCTAssertEqual(plain[0].hidden[l], none[0].hidden[l])
            XCTAssertEqual(plain[1].hidden[l], none[1].hidden[l])
        }
    }
}
