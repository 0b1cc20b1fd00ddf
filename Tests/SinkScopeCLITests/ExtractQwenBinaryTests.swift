import ActivationStore
import Foundation
import TensorFiles
import TestSupport
import XCTest

/// `sinkscope extract` (the built binary) on a Qwen2.5-VL checkpoint folder that transformers writes at
/// test time: sharded, BF16, every parameter perturbed (`scripts/fixtures/tiny_rotary_towers.py qwen-lvlm`).
/// The store, in grid order, must equal transformers' tower run in float32 on the same BF16-rounded
/// weights from the PIL processor's pixels of the same image file, to max|diff| / max|ref| < 1e-4: every
/// layer's hidden states and received attention, and `merged` (what the LLM receives).
final class ExtractQwenBinaryTests: XCTestCase {
    static let modules = ["torch", "transformers", "safetensors", "PIL"]
    var root: URL!

    override func setUpWithError() throws { root = temporaryDirectory("extract-qwen") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    /// The tiny Qwen2.5-VL folder in shards of at most 20 kB, and its reference.
    func buildFolder() throws -> (folder: URL, meta: [String: Any]) {
        guard Python.canImport(Self.modules) else { throw XCTSkip(Python.missing(Self.modules)) }
        let folder = root.appendingPathComponent("qwen-lvlm")
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/tiny_rotary_towers.py").path
        let result = try Python.run(["-c", "import os, sys, runpy; os.environ['SHARD'] = '20KB'; "
            + "sys.argv = ['x', 'qwen-lvlm', '\(folder.path)']; runpy.run_path('\(script)', run_name='__main__')"])
        guard result.status == 0 else { throw XCTSkip("building the tiny Qwen2.5-VL folder failed: \(result.output.suffix(2000))") }
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("reference.json"))) as! [String: Any]
        return (folder, meta)
    }

    func testExtractFromImageFilesEqualsTransformers() throws {
        let (folder, meta) = try buildFolder()
        let shards = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".safetensors") && $0.hasPrefix("model-") }
        XCTAssertGreaterThan(shards.count, 1, "the checkpoint must be sharded")
        let images = root.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("image.png"), to: images.appendingPathComponent("image.png"))
        let height = meta["height"] as! Int, width = meta["width"] as! Int, layers = meta["layers"] as! Int
        let store = root.appendingPathComponent("store")
        let run = try CLI.run(["extract", "--model", folder.path, "--images", images.path, "--out", store.path, "--attention",
                               "--dtype", "f32", "--image-size", "\(height)x\(width)", "--threads", "1"])
        XCTAssertEqual(run.status, 0, run.stderr)

        let reader = try StoreReader(url: store)
        let reference = try SafetensorsFile(url: folder.appendingPathComponent("reference.safetensors"))
        XCTAssertEqual(reader.model.grid, [height / 14, width / 14])
        XCTAssertEqual(reader.model.prefixTokens, 0)
        XCTAssertEqual(reader.model.tokenOrder?.computed, meta["order"] as? [Int], "the manifest records the order the tower computes in")
        XCTAssertEqual(reader.model.tokenOrder?.windowedBlocks, meta["windowed_blocks"] as? [Int])
        var report: [String] = []
        func check(_ mine: [Float], _ name: String) throws {
            let e = maxRelativeError(mine, try reference.floats(name))
            report.append(String(format: "%@ %.1e", name, e))
            XCTAssertLessThan(e, 1e-4, name)
        }
        for l in 0...layers { try check(try reader.hidden(layer: l), "hidden.\(l)") }
        for l in 1...layers { try check(try reader.received(layer: l), "received.\(l)") }
        // What the LLM receives: the merger's output, merge units row-major over the grid.
        XCTAssertEqual(reader.manifest.merged, MergedTokens(tokens: height / 28 * (width / 28), hiddenSize: 24))
        try check(try reader.merged(), "merged")
        print("sinkscope extract (binary) on a sharded BF16 Qwen2.5-VL folder vs transformers: " + report.joined(separator: ", "))
    }

    func testAnImageSizeOffTheGridIsOneSentenceAndNoStore() throws {
        let (folder, meta) = try buildFolder()
        let height = meta["height"] as! Int, width = meta["width"] as! Int
        let store = root.appendingPathComponent("store")
        let run = try CLI.run(["extract", "--model", folder.path, "--images", folder.appendingPathComponent("image.png").path,
                               "--out", store.path, "--image-size", "\(height + 2)x\(width)"])
        XCTAssertEqual(run.status, 1, run.stderr)
        let message = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(message.contains("--image-size \(height + 2)x\(width) is not a multiple of 28"), message)
        XCTAssertTrue(message.contains("the nearest valid sizes are \(height)x\(width) and \(height + 28)x\(width)"), message)
        XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path), "no store is written")
    }

    func testAFolderWithoutVisualTensorsNamesWhatItFound() throws {
        let (folder, _) = try buildFolder()
        // The same checkpoint with every `visual.` tensor dropped, in one file.
        let stripped = root.appendingPathComponent("no-visual")
        try FileManager.default.createDirectory(at: stripped, withIntermediateDirectories: true)
        for name in ["config.json", "preprocessor_config.json"] {
            try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: stripped.appendingPathComponent(name))
        }
        let result = try Python.run(["-c", """
            import glob, os
            from safetensors.torch import load_file, save_file
            kept = {}
            for f in sorted(glob.glob(os.path.join('\(folder.path)', 'model-*.safetensors'))):
                kept.update({k: v for k, v in load_file(f).items() if 'visual.' not in k})
            save_file(kept, os.path.join('\(stripped.path)', 'model.safetensors'))
            """])
        guard result.status == 0 else { throw XCTSkip("rewriting the checkpoint failed: \(result.output.suffix(1000))") }
        let store = root.appendingPathComponent("store")
        let run = try CLI.run(["extract", "--model", stripped.path, "--images", folder.appendingPathComponent("image.png").path,
                               "--out", store.path])
        XCTAssertEqual(run.status, 1, run.stderr)
        let message = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(message.contains("no Qwen2.5-VL vision tower"), message)
        XCTAssertTrue(message.contains("model.language_model.") || message.contains("lm_head."), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path), "no store is written")
    }
}

/// `sinkscope extract` refuses a Qwen3-VL folder with one sentence, exit 1, and writes no store.
final class ExtractQwen3VLRefusalTests: XCTestCase {
    func testAQwen3VLFolderIsRefusedWithOneSentence() throws {
        let root = temporaryDirectory("qwen3-vl-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let config: [String: Any] = ["model_type": "qwen3_vl",
                                     "vision_config": ["model_type": "qwen3_vl_vision", "deepstack_visual_indexes": [8, 16, 24]]]
        try JSONSerialization.data(withJSONObject: config).write(to: root.appendingPathComponent("config.json"))
        let image = root.appendingPathComponent("image.png")
        try Data("the model is refused before any image is read".utf8).write(to: image)
        let store = root.appendingPathComponent("store")
        let run = try CLI.run(["extract", "--model", root.path, "--images", image.path, "--out", store.path])
        XCTAssertEqual(run.status, 1, run.stderr)
        let message = run.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(message.split(separator: "\n").count, 1, message)
        XCTAssertTrue(message.contains("model_type 'qwen3_vl', Qwen3-VL") && message.contains("deepstack"), message)
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path), "no store is written")
    }
}
