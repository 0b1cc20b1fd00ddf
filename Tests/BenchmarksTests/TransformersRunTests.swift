import Foundation
import Images
import TensorFiles
import TestSupport
import VisionModels
import XCTest

@testable import Benchmarks

/// scripts/bench_transformers.py on tiny random towers built with transformers at test time: both
/// modes return every block, eager also every block's attention, and what they compute is the model
/// SinkScope computes (image 0's last block output agrees to 1e-4 relative).
final class TransformersRunTests: XCTestCase {
    static let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/bench_transformers.py")
    static let processScript = Fixtures.repositoryRoot.appendingPathComponent("scripts/bench_transformers_process.py")

    /// A random DINOv2 (3 blocks, D 32, 4 heads, patch 14, trained at 42 px) written with save_pretrained.
    func testDinov2BothModesMatchSinkScope() throws {
        try Python.require(["torch", "transformers"])
        let root = temporaryDirectory("bench-transformers")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("dinov2")
        let built = try Python.run(["-c", """
            import torch, transformers
            torch.manual_seed(0)
            c = transformers.Dinov2Config(hidden_size=32, num_hidden_layers=3, num_attention_heads=4,
                                          mlp_ratio=2, image_size=42, patch_size=14, layerscale_value=0.5)
            m = transformers.Dinov2Model(c).eval()
            with torch.no_grad():
                for p in m.parameters(): p.add_(0.1 * torch.randn_like(p))
            m.save_pretrained("\(folder.path)")
            """])
        XCTAssertEqual(built.status, 0, built.output)
        try compare(folder: folder, height: 42, width: 42, layers: 3, attentionBlocks: 3)
    }

    /// A random Qwen2.5-VL tower (scripts/fixtures/tiny_rotary_towers.py: 3 blocks, block 1 full, the others
    /// in windows): the script's flattening into merge units and its un-permuting agree with SinkScope.
    func testQwenTowerBothModesMatchSinkScope() throws {
        try Python.require(["torch", "transformers"])
        let root = temporaryDirectory("bench-transformers-qwen")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("qwen")
        let built = try Python.run([Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/tiny_rotary_towers.py").path,
                                    "qwen-tower", folder.path])
        XCTAssertEqual(built.status, 0, built.output)
        try compare(folder: folder, height: 168, width: 224, layers: 3, attentionBlocks: 3)
    }

    /// Runs both modes on 3 random images in batches of 2 and checks counts and image 0's last block output.
    func compare(folder: URL, height: Int, width: Int, layers: Int, attentionBlocks: Int, file: StaticString = #filePath,
                 line: UInt = #line) throws {
        var rng = SystemRandomNumberGenerator()
        let n = 3, per = 3 * height * width
        let pixels = (0..<(n * per)).map { _ in Float.random(in: -2...2, using: &rng) }
        let pixelFile = folder.appendingPathComponent("pixels.f32")
        try pixels.withUnsafeBytes { Data($0) }.write(to: pixelFile)
        let model = try ModelFolder(url: folder).load()
        let mine = try model.forward(pixels: Array(pixels[0..<per]), images: 1, height: height, width: width,
                                     capture: CaptureRequest(hiddenLayers: [layers], received: false), threads: 2)[0].hidden[layers]!
        for mode in TransformersMode.allCases {
            var run = TransformersRun(mode: mode)
            let last = folder.appendingPathComponent("last-\(mode.rawValue).f32")
            try run.round(python: Python.executable, script: Self.script, model: folder, pixels: pixelFile, images: n,
                          size: InputSize(height: height, width: width), batch: 2, threads: 1, saveLast: last)
            XCTAssertEqual(run.hiddenStates, layers + 1, "\(mode)", file: file, line: line)
            XCTAssertEqual(run.attentions, mode == .eager ? attentionBlocks : 0, "\(mode)", file: file, line: line)
            XCTAssertTrue(run.rates.count == 1 && run.rates[0] > 0, "\(run.rates)", file: file, line: line)
            XCTAssertGreaterThan(run.peakResidentMiB, 10, file: file, line: line)
            let theirs = try Data(contentsOf: last).withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            XCTAssertEqual(theirs.count, mine.count, "\(mode)", file: file, line: line)
            XCTAssertLessThan(theirs.count == mine.count ? maxRelativeError(mine, theirs) : .infinity, 1e-4, "\(mode): SinkScope's last block output differs from transformers'",
                              file: file, line: line)
        }
    }

    /// scripts/bench_transformers_process.py, the whole-process side, does the work `sinkscope extract
    /// --attention` does: from the same image files, through the folder's processor, the hidden states it
    /// writes equal SinkScope's (pixels and forward) to f16 rounding, and its received attention equals
    /// SinkScope's. Then `wholeProcessRound` times it, and leaves out, with the script's sentence, a
    /// folder the script does not cover.
    func testWholeProcessScriptWritesWhatExtractStores() throws {
        try Python.require(["torch", "transformers", "safetensors", "PIL"])
        let root = temporaryDirectory("bench-transformers-process")
        defer { try? FileManager.default.removeItem(at: root) }
        let (folderURL, images) = try TinyViTAssets.make(in: root)
        let out = root.appendingPathComponent("out")
        let ran = try Python.run([Self.processScript.path, "--model", folderURL.path, "--images", images.path, "--out", out.path,
                                  "--batch", "2", "--threads", "1", "--mode", "eager"])
        XCTAssertEqual(ran.status, 0, ran.output)

        let folder = ModelFolder(url: folderURL), model = try folder.load(), layers = model.spec.layers
        let pipeline = ImagePipeline(preprocessor: try Extractor.preprocessor(folder: folder, model: model, requested: nil))
        let files = try FileManager.default.contentsOfDirectory(atPath: images.path).sorted()
        XCTAssertEqual(files.count, 3)
        for (k, name) in files.enumerated() {
            let pixels = try pipeline.pixels(images.appendingPathComponent(name))
            let size = try XCTUnwrap(pipeline.preprocessor.targetSize)
            let mine = try model.forward(pixels: pixels, images: 1, height: size.height, width: size.width,
                                         capture: CaptureRequest(hiddenLayers: Set(0...layers), received: true), threads: 1)[0]
            let shard = try SafetensorsFile(url: out.appendingPathComponent(String(format: "batch-%05d.safetensors", k / 2)))
            XCTAssertEqual(try shard.info("hidden.\(layers)").dtype, .f16)
            for l in 0...layers {
                let all = try shard.floats("hidden.\(l)"), per = all.count / (k / 2 == 0 ? 2 : 1), theirs = Array(all[(k % 2) * per..<(k % 2 + 1) * per])
                let expected = try XCTUnwrap(mine.hidden[l])
                XCTAssertEqual(theirs.count, expected.count, "\(name) hidden.\(l)")
                for (a, b) in zip(expected, theirs) {   // f16 keeps 11 bits: half an ulp, plus a little for the two forwards
                    XCTAssertLessThanOrEqual(abs(a - b), abs(a) * 1.1e-3 + 1e-4, "\(name) hidden.\(l)")
                }
            }
            for l in 1...layers {
                let all = try shard.floats("received.\(l)"), per = all.count / (k / 2 == 0 ? 2 : 1)
                let theirs = Array(all[(k % 2) * per..<(k % 2 + 1) * per]), expected = try XCTUnwrap(mine.received[l])
                XCTAssertEqual(theirs.count, expected.count)
                XCTAssertLessThan(maxRelativeError(expected, theirs), 1e-4, "\(name) received.\(l)")
            }
        }

        var run = TransformersRun(mode: .sdpa)
        try run.wholeProcessRound(python: Python.executable, script: Self.processScript, model: folderURL, images: images, count: 3,
                                  batch: 2, threads: 1)
        XCTAssertNil(run.wholeProcessSkipped)
        XCTAssertTrue(run.wholeProcess.count == 1 && run.wholeProcess[0] > 0, "\(run.wholeProcess)")
        XCTAssertGreaterThan(run.wholeProcessPeakMiB, 10)

        let lvlm = root.appendingPathComponent("llava")
        try FileManager.default.createDirectory(at: lvlm, withIntermediateDirectories: true)
        try Data(#"{"model_type": "llava"}"#.utf8).write(to: lvlm.appendingPathComponent("config.json"))
        var refused = TransformersRun(mode: .eager)
        try refused.wholeProcessRound(python: Python.executable, script: Self.processScript, model: lvlm, images: images, count: 3,
                                      batch: 2, threads: 1)
        XCTAssertEqual(refused.wholeProcess, [])
        XCTAssertTrue(refused.wholeProcessSkipped?.contains("standalone towers only") == true, refused.wholeProcessSkipped ?? "nil")
    }
}
