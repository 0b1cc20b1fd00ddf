import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// Builds a tiny random HF model with transformers (`scripts/fixtures/make_tower_models.py`) and compares
/// SinkScope's forward with transformers' own outputs: every hidden state and received attention,
/// max |diff| / max |ref| below `tolerance`.
enum TowerReference {
    static let tolerance: Float = 1e-4
    static let modules = ["torch", "transformers", "safetensors"]

    /// Builds `kind` into a fresh temporary folder; `arguments` go to the script (--dtype, --shard-size, --layout).
    static func build(_ kind: String, _ arguments: [String] = []) throws -> URL {
        let out = temporaryDirectory("tower-\(kind)")
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/make_tower_models.py").path
        let result = try Python.run([script, kind, out.path] + arguments)
        guard result.status == 0 else {
            throw NSError(domain: "TowerReference", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.output])
        }
        return out
    }

    /// Loads `folder`, runs the reference pixels, compares every layer; returns the worst relative error per key.
    @discardableResult
    static func compare(folder: URL, expectPooled: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Float] {
        let model = try ModelFolder(url: folder).load()
        let reference = try SafetensorsFile(url: folder.appendingPathComponent("reference.safetensors"))
        let shape = try reference.info("pixels").shape
        let n = shape[0], h = shape[2], w = shape[3], layers = model.spec.layers
        let out = try model.forward(
            pixels: try reference.floats("pixels"), images: n, height: h, width: w,
            capture: CaptureRequest(hiddenLayers: Set(0...layers), received: true, finalLayerNorm: true))
        var errors: [String: Float] = [:]
        func check(_ mine: [Float], _ key: String) throws {
            let e = maxRelativeError(mine, try reference.floats(key))
            errors[key] = e
            XCTAssertLessThan(e, tolerance, "\(folder.lastPathComponent) \(key)", file: file, line: line)
        }
        for l in 0...layers { try check(out.flatMap { $0.hidden[l]! }, "hidden.\(l)") }
        for l in 1...layers { try check(out.flatMap { $0.received[l]! }, "received.\(l)") }
        try check(out.flatMap { $0.lastHiddenState ?? $0.hidden[layers]! }, "last_hidden_state")
        if expectPooled { try check(out.flatMap { $0.pooled! }, "pooled") }
        let worst = errors.values.max() ?? 0
        print("\(folder.lastPathComponent): \(model.spec.architecture) worst max|diff|/max|ref| = \(worst) over \(errors.count) tensors")
        return errors
    }
}
