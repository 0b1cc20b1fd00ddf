import Foundation
import TensorFiles
import TestSupport
import XCTest
import Images

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

/// A Qwen2.5-VL checkpoint folder (model_type qwen2_5_vl, BF16, tower under `visual.`), read from an
/// image file through SinkScope's preprocessing.
final class QwenCheckpointFolderTests: XCTestCase {
    func testTowerFromACheckpointFolderMatchesTransformers() throws {
        let folder = try RotaryTowersTests.build("qwen-lvlm")
        defer { try? FileManager.default.removeItem(at: folder) }
        let reference = try SafetensorsFile(url: folder.appendingPathComponent("reference.safetensors"))
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("reference.json"))) as! [String: Any]
        let size = InputSize(height: meta["height"] as! Int, width: meta["width"] as! Int)
        let gh = size.height / 14, gw = size.width / 14
        let flat = try reference.floats("flattened")
        // SinkScope's Qwen preprocessing of image.png (150x190 -> 140x196: height shrinks, width grows,
        // so Pillow 13 resizes vertically first) equals the PIL processor's pixels, to the tolerance
        // PreprocessorTests uses for float32 references. Checked before the tower loads.
        let config = FileManager.default.contents(atPath: folder.appendingPathComponent("preprocessor_config.json").path)
        let qwen = try Preprocessor.qwen2VL(json: config, source: "preprocessor_config.json", height: size.height, width: size.width).0
        let direct = QwenTokenOrder.flattenedPatches(
            try ImagePipeline(preprocessor: qwen).pixels(folder.appendingPathComponent("image.png")),
            channels: 3, height: size.height, width: size.width, patch: 14, temporalPatch: 2)
        print(String(format: "Qwen2VLImageProcessorPil pixels vs SinkScope (Preprocessor.qwen2VL) from image.png: max rel %.1e", maxRelativeError(direct, flat)))
        assertClose(direct, flat, absolute: 1e-6, relative: 0, "Qwen2VLImageProcessorPil pixels vs Preprocessor.qwen2VL")

        let model = try ModelFolder(url: folder).load()
        // HF's processor output [G, C·2·14·14] in merge-unit order, back to CHW (frame 0 of each patch);
        // flattening it again must give the same bytes (the processor's order, frames repeated).
        var pixels = [Float](repeating: 0, count: 3 * size.height * size.width)
        for (row, g) in QwenTokenOrder.mergeUnitOrder(gridRows: gh, gridCols: gw).enumerated() {
            for c in 0..<3 { for ky in 0..<14 { for kx in 0..<14 {
                pixels[(c * size.height + g / gw * 14 + ky) * size.width + g % gw * 14 + kx] = flat[row * 1176 + ((c * 2) * 14 + ky) * 14 + kx]
            } } }
        }
        XCTAssertEqual(QwenTokenOrder.flattenedPatches(pixels, channels: 3, height: size.height, width: size.width, patch: 14, temporalPatch: 2), flat)
        // The order the tower computes in, as recorded in the manifest.
        XCTAssertEqual(QwenTokenOrder.computedOrder(gridRows: gh, gridCols: gw, window: 4), meta["order"] as? [Int])
        let record = QwenTokenOrder.record(for: model.spec, gridRows: gh, gridCols: gw, merges: true)
        XCTAssertEqual(record?.windowedBlocks, meta["windowed_blocks"] as? [Int])

        let layers = model.spec.layers
        let out = try model.forward(
            pixels: pixels, images: 1, height: size.height, width: size.width,
            capture: CaptureRequest(hiddenLayers: Set(0...layers), received: true, merged: true))
        var report: [String] = []
        for (name, mine) in (0...layers).map({ ("hidden.\($0)", out[0].hidden[$0]!) }) + (1...layers).map({ ("received.\($0)", out[0].received[$0]!) })
            + [("merged", out[0].merged!)]
        {
            let e = maxRelativeError(mine, try reference.floats(name))
            report.append(String(format: "%@ %.1e", name, e))
            XCTAssertLessThan(e, RotaryTowersTests.tolerance, name)
        }
        print("Qwen2.5-VL checkpoint (BF16, visual.) vs transformers: " + report.joined(separator: ", "))

        // Loading converts BF16 exactly, on any number of workers, and reads the fused attn.qkv once, so
        // q | k | v stay one matrix (one GEMM) as in an F32 checkpoint: the BF16 folder, loaded by three
        // workers, and an F32 copy of it give the same bits as the load above.
        let f32Folder = try Self.f32Copy(of: folder)
        defer { try? FileManager.default.removeItem(at: f32Folder) }
        for (name, other) in [("BF16 by 3 workers", try ModelFolder(url: folder).load(threads: 3)), ("F32 copy", try ModelFolder(url: f32Folder).load())] {
            for m in [model, other] { XCTAssertTrue(m.blocks.allSatisfy { $0.qkv.parts.count == 1 }, "\(name): q | k | v not one matrix") }
            let again = try other.forward(
                pixels: pixels, images: 1, height: size.height, width: size.width,
                capture: CaptureRequest(hiddenLayers: Set(0...layers), received: true, merged: true))
            for l in 0...layers { XCTAssertEqual(again[0].hidden[l], out[0].hidden[l], "\(name): hidden.\(l)") }
            XCTAssertEqual(again[0].merged, out[0].merged, "\(name): merged")
        }

        // The same through the extraction's path (Extractor.preprocessor picks the Qwen processor).
        let pipeline = ImagePipeline(preprocessor: try Extractor.preprocessor(folder: ModelFolder(url: folder), model: model, requested: size))
        let mine = try pipeline.pixels(folder.appendingPathComponent("image.png"))
        let mineFlat = QwenTokenOrder.flattenedPatches(mine, channels: 3, height: size.height, width: size.width, patch: 14, temporalPatch: 2)
        print(String(format: "Qwen2VLImageProcessorPil pixels vs SinkScope from image.png: max rel %.1e", maxRelativeError(mineFlat, flat)))
        assertClose(mineFlat, flat, absolute: 1e-6, relative: 0, "Qwen2VLImageProcessorPil pixels vs SinkScope from image.png")
    }

    /// A copy of a checkpoint folder with every tensor stored as F32 in one model.safetensors.
    static func f32Copy(of folder: URL) throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-f32-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for file in ["config.json", "preprocessor_config.json"] {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(file), to: copy.appendingPathComponent(file))
        }
        let weights = try ModelWeights(checkpoint: folder)
        let tensors = try weights.names.map { name -> (name: String, tensor: Tensor) in
            let shape = weights.shape(of: name)!
            return (name, Tensor(floats: try weights.tensor(name, shape: shape), shape: shape, dtype: .f32))
        }
        try SafetensorsWriter.write(tensors, to: copy.appendingPathComponent("model.safetensors"))
        return copy
    }

    func testABadImageSizeNamesTheNearestValidSizes() throws {
        XCTAssertThrowsError(try InputSize(height: 450, width: 448).check(multipleOf: 28, model: "Qwen")) { error in
            XCTAssertEqual("\(error)", "Invalid model input: --image-size 450x448 is not a multiple of 28 on both sides for Qwen; the nearest valid sizes are 448x448 and 476x448.")
        }
    }

    func testSmartResizeMatchesHF() {
        XCTAssertTrue(Preprocessor.smartResize(height: 448, width: 448) == (448, 448))
        XCTAssertTrue(Preprocessor.smartResize(height: 150, width: 190, minPixels: 3136, maxPixels: 40_000) == (140, 196))
    }
}

final class QwenBadFolderTests: XCTestCase {
    func testAFolderWithoutTheTowerNamesWhatItFound() {
        var weights = ModelWeights(source: "ckpt/model.safetensors")
        weights.set("model.language_model.embed_tokens.weight", shape: [2, 2], values: [0, 0, 0, 0])
        weights.set("lm_head.weight", shape: [2, 2], values: [0, 0, 0, 0])
        XCTAssertThrowsError(try VisionTransformer.qwen2_5_VLVision(config: Qwen2_5_VLVisionConfig(), weights: weights)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("no Qwen2.5-VL vision tower"), text)
            XCTAssertTrue(text.contains("lm_head.") && text.contains("model."), text)
        }
    }
}
