import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// DINOv3 and the Qwen2.5-VL vision tower against HF transformers itself: tiny random models are
/// built at test time by `scripts/fixtures/tiny_rotary_towers.py` (every parameter perturbed, written with
/// `save_pretrained`), and every layer's hidden states and received attention, in grid order,
/// must agree to max|diff| / max|ref| < 1e-4.
final class RotaryTowersTests: XCTestCase {
    static let tolerance: Float = 1e-4
    static let modules = ["torch", "transformers", "safetensors", "PIL"]

    /// Builds the tiny model `kind` into a fresh directory and returns it.
    static func build(_ kind: String, environment: [String: String] = [:]) throws -> URL {
        guard Python.canImport(modules) else { throw XCTSkip(Python.missing(modules)) }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-\(kind)-\(UUID().uuidString)")
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/tiny_rotary_towers.py").path
        var arguments = [script, kind, out.path]
        if !environment.isEmpty {
            arguments = ["-c", environment.map { "import os; os.environ['\($0.key)']='\($0.value)'" }.joined(separator: "; ")
                + "; import sys, runpy; sys.argv = \(["x", kind, out.path].description); runpy.run_path('\(script)', run_name='__main__')"]
        }
        let result = try Python.run(arguments)
        guard result.status == 0 else { throw XCTSkip("building the tiny \(kind) model failed: \(result.output.suffix(2000))") }
        return out
    }

    /// Runs `folder`'s model on the reference pixels and compares every layer; returns the worst error.
    @discardableResult
    static func compare(folder: URL, merged: Bool = false, file: StaticString = #filePath, line: UInt = #line) throws -> Float {
        let model = try ModelFolder(url: folder).load()
        let reference = try SafetensorsFile(url: folder.appendingPathComponent("reference.safetensors"))
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("reference.json"))) as! [String: Any]
        let height = meta["height"] as! Int, width = meta["width"] as! Int, layers = model.spec.layers
        XCTAssertEqual(layers, meta["layers"] as? Int)
        let out = try model.forward(
            pixels: try reference.floats("pixels"), images: 1, height: height, width: width,
            capture: CaptureRequest(hiddenLayers: Set(0...layers), received: true, finalLayerNorm: true, merged: merged))
        var worst: Float = 0
        var report: [String] = []
        func check(_ mine: [Float]?, _ name: String) throws {
            guard let mine else { return XCTFail("no \(name) captured", file: file, line: line) }
            let e = maxRelativeError(mine, try reference.floats(name))
            worst = max(worst, e)
            report.append(String(format: "%@ %.1e", name, e))
            XCTAssertLessThan(e, tolerance, name, file: file, line: line)
        }
        for l in 0...layers { try check(out[0].hidden[l], "hidden.\(l)") }
        for l in 1...layers { try check(out[0].received[l], "received.\(l)") }
        if reference.names.contains("last_hidden_state") { try check(out[0].lastHiddenState, "last_hidden_state") }
        if merged { try check(out[0].merged, "merged") }
        print("\(model.spec.architecture) vs transformers: " + report.joined(separator: ", "))
        return worst
    }

    func testDINOv3AgainstTransformers() throws {
        let folder = try Self.build("dinov3")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try ModelFolder(url: folder).load()
        XCTAssertEqual(model.spec.embedding.prefix, PrefixTokens(cls: 1, registers: 4))
        try Self.compare(folder: folder)
    }

    func testDINOv3GatedMLPAgainstTransformers() throws {
        let folder = try Self.build("dinov3", environment: ["GATED": "1"])
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try ModelFolder(url: folder).load().spec.block.mlp, .gated)
        try Self.compare(folder: folder)
    }
}

/// The Qwen2.5-VL vision tower, standalone.
final class QwenVisionTowerTests: XCTestCase {
    func testQwenTowerAgainstTransformers() throws {
        let folder = try RotaryTowersTests.build("qwen-tower")
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try ModelFolder(url: folder).load()
        XCTAssertEqual(model.spec.block.attention, .windowed(window: 4, fullAttentionBlocks: [1]))
        try RotaryTowersTests.compare(folder: folder, merged: true)
    }

    func testWindowsTileTheGridFromTheTopLeft() {
        // A 5 × 6 grid in windows of 4: tiles 4×4, 4×2, 1×4, 1×2.
        let windows = attentionWindows(prefix: 0, gridRows: 5, gridCols: 6, window: 4)
        XCTAssertEqual(windows.map(\.count), [16, 8, 4, 2])
        XCTAssertEqual(windows[1], [4, 5, 10, 11, 16, 17, 22, 23])
        XCTAssertEqual(Set(windows.joined()), Set(0..<30))
    }
}
