import Foundation
import TestSupport
import VisionModels
import XCTest

@testable import Benchmarks

/// scripts/bench_transformers.py on tiny random towers built with transformers at test time: both
/// modes return every block, eager also every block's attention, and what they compute is the model
/// SinkScope computes (image 0's last block output agrees to 1e-4 relative).
final class TransformersRunTests: XCTestCase {
    static let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/bench_transformers.py")

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
}
