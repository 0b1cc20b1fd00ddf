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

    /// A random DINOv2 (3 blocks, D 32, 4 heads, patch 14, trained at 42 px).
    func testDinov2BothModesMatchSinkScope() throws {
        try Python.require(["torch", "transformers"])
        let root = temporaryDirectory("bench-transformers")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try makeDinov2(in: root, layers: 3)
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

    /// A random DINOv2 (`layers` blocks, D 32, 4 heads, patch 14, trained at 42 px, every parameter
    /// perturbed) written with save_pretrained to `root`/dinov2, without processor settings.
    func makeDinov2(in root: URL, layers: Int) throws -> URL {
        let folder = root.appendingPathComponent("dinov2")
        let built = try Python.run(["-c", """
            import torch, transformers
            torch.manual_seed(\(layers))
            c = transformers.Dinov2Config(hidden_size=32, num_hidden_layers=\(layers), num_attention_heads=4,
                                          mlp_ratio=2, image_size=42, patch_size=14, layerscale_value=0.5)
            m = transformers.Dinov2Model(c).eval()
            with torch.no_grad():
                for p in m.parameters(): p.add_(0.1 * torch.randn_like(p))
            m.save_pretrained("\(folder.path)")
            """])
        XCTAssertEqual(built.status, 0, built.output)
        return folder
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
    /// folder whose processor settings the script cannot infer.
    func testWholeProcessScriptWritesWhatExtractStores() throws {
        try Python.require(["torch", "transformers", "safetensors", "PIL"])
        let root = temporaryDirectory("bench-transformers-process")
        defer { try? FileManager.default.removeItem(at: root) }
        let (folderURL, images) = try TinyViTAssets.make(in: root)
        try checkWholeProcess(folder: folderURL, images: images, out: root.appendingPathComponent("out"), imageSize: nil)

        var run = TransformersRun(mode: .sdpa)
        try run.wholeProcessRound(python: Python.executable, script: Self.processScript, model: folderURL, images: images, count: 3,
                                  batch: 2, threads: 1)
        XCTAssertNil(run.wholeProcessSkipped)
        XCTAssertTrue(run.wholeProcess.count == 1 && run.wholeProcess[0] > 0, "\(run.wholeProcess)")
        XCTAssertGreaterThan(run.wholeProcessPeakMiB, 10)

        // A tower whose processor settings the script cannot infer: no preprocessor_config.json, no default.
        let bare = root.appendingPathComponent("dinov3-bare")
        try FileManager.default.createDirectory(at: bare, withIntermediateDirectories: true)
        try Data(#"{"model_type": "dinov3_vit"}"#.utf8).write(to: bare.appendingPathComponent("config.json"))
        var refused = TransformersRun(mode: .eager)
        try refused.wholeProcessRound(python: Python.executable, script: Self.processScript, model: bare, images: images, count: 3,
                                      batch: 2, threads: 1)
        XCTAssertEqual(refused.wholeProcess, [])
        XCTAssertTrue(refused.wholeProcessSkipped?.contains("has no preprocessor_config.json and dinov3_vit has no default here") == true,
                      refused.wholeProcessSkipped ?? "nil")
    }

    /// With --image-size (as `extract --image-size`) the script resizes every image to exactly that size
    /// with the processor's filter and skips the processor's own resize and crop, as SinkScope does: a
    /// random DINOv2 without processor settings (whose default is shortest edge 256 + crop 224) at 28 x 56
    /// stores what SinkScope's forward computes.
    func testWholeProcessScriptResizesToTheRequestedSize() throws {
        try Python.require(["torch", "transformers", "safetensors", "PIL"])
        let root = temporaryDirectory("bench-transformers-process-size")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = try makeDinov2(in: root, layers: 2)
        try checkWholeProcess(folder: folder, images: try opaqueImages(in: root), out: root.appendingPathComponent("out"),
                              imageSize: InputSize(height: 28, width: 56), tokens: 1 + 2 * 4)
    }

    /// Qwen2.5-VL, a standalone tower without processor settings (the Qwen2-VL processor's defaults) at
    /// --image-size 56x84 and a BF16 LVLM checkpoint with its own processor bounds at SinkScope's default
    /// grid (smart_resize of 448 x 448 within them: 196 x 196): the script's flattened patches, its
    /// attention recorded per window and its un-permuting give SinkScope's hidden states, received
    /// attention and merged tokens. A size off the 28-pixel merge grid gets one sentence and no output.
    func testWholeProcessScriptOnQwenWritesWhatExtractStores() throws {
        try checkFixtureFolders(builder: "tiny_rotary_towers.py", cases: [
            ("qwen-tower", InputSize(height: 56, width: 84), 4 * 6), ("qwen-lvlm", nil, 14 * 14)],
            refused: (InputSize(height: 50, width: 84), "--image-size 50x84: both sides must be multiples of 28 for this model."))
    }

    /// LLaVA and PaliGemma checkpoints (tiny, random, without processor settings): the script loads only
    /// the tower from the LVLM's tensors, normalises with the statistics SinkScope uses for the family
    /// (OpenAI CLIP's, SigLIP's 0.5), and stores what SinkScope computes. At --image-size 32x32 (the
    /// towers' own size), because transformers 5's default processors resize with torchvision, whose
    /// bicubic differs from the PIL resize SinkScope reproduces by up to a level per pixel (with the PIL
    /// processors the stores agree: hidden.0 exactly).
    func testWholeProcessScriptOnLLaVAAndPaliGemmaWritesWhatExtractStores() throws {
        let size = InputSize(height: 32, width: 32)
        try checkFixtureFolders(builder: "make_tower_models.py", cases: [("llava", size, 1 + 4 * 4), ("paligemma", size, 4 * 4)])
    }

    /// LLaVA-NeXT, OneVision and InternVL checkpoints, whose processors cut AnyRes or dynamic tiles beside
    /// the base image SinkScope feeds the tower. At --image-size 32x32 without a processor file (the
    /// families' defaults) the script only rescales and normalises. With a tiling processor file
    /// (make_tower_models.py --tiling-processor: AnyRes up to 2x2 tiles, InternVL at least 2 tiles plus its
    /// thumbnail) it keeps each image's base tile: the first for LLaVA-NeXT and OneVision, InternVL's last.
    /// The images are 32x32 there, so the base image's resize is the identity on both sides and
    /// torchvision's bicubic does not enter; any other tile differs from it. A standalone InternViT tower
    /// without a processor file runs on the same family defaults (GotOcr2, ImageNet mean/std).
    func testWholeProcessScriptOnTilingLVLMsKeepsTheBaseImage() throws {
        let size = InputSize(height: 32, width: 32)
        let kinds = [("llava_next", 1 + 4 * 4), ("llava_onevision", 4 * 4), ("internvl", 1 + 4 * 4)]
        try checkFixtureFolders(builder: "make_tower_models.py", cases: kinds.map { ($0.0, size, $0.1) } + [("internvl_vision", size, 1 + 4 * 4)])
        try checkFixtureFolders(builder: "make_tower_models.py", cases: kinds.map { ($0.0, nil, $0.1) },
                                builderArguments: ["--tiling-processor"], imageSide: 32)
    }

    /// Builds each case's folder with scripts/fixtures/`builder` KIND OUT `builderArguments` and checks the
    /// whole-process script on it (`checkWholeProcess`) at the case's size, expecting `tokens` tokens per
    /// image, on the opaque images (resized with PIL to `imageSide` squares when given); with `refused`,
    /// the script asked for that size on the first folder exits with that sentence and writes nothing.
    func checkFixtureFolders(builder: String, cases: [(kind: String, size: InputSize?, tokens: Int)], builderArguments: [String] = [],
                             imageSide: Int? = nil, refused: (size: InputSize, sentence: String)? = nil,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        try Python.require(["torch", "transformers", "safetensors", "PIL"])
        let root = temporaryDirectory("bench-transformers-process-\(cases[0].kind)")
        defer { try? FileManager.default.removeItem(at: root) }
        let images = try opaqueImages(in: root, side: imageSide)
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/\(builder)").path
        for c in cases {
            let folder = root.appendingPathComponent(c.kind)
            let built = try Python.run([script, c.kind, folder.path] + builderArguments)
            XCTAssertEqual(built.status, 0, built.output, file: file, line: line)
            try checkWholeProcess(folder: folder, images: images, out: root.appendingPathComponent("out-\(c.kind)"), imageSize: c.size,
                                  tokens: c.tokens, file: file, line: line)
        }
        if let refused {
            let out = root.appendingPathComponent("out-refused")
            let ran = try Python.run([Self.processScript.path, "--model", root.appendingPathComponent(cases[0].kind).path, "--images", images.path,
                                      "--out", out.path, "--image-size", refused.size.description])
            XCTAssertNotEqual(ran.status, 0, file: file, line: line)
            XCTAssertTrue(ran.output.contains(refused.sentence), ran.output, file: file, line: line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "the refused run left \(out.path)", file: file, line: line)
        }
    }

    /// Three image files without transparency (gray.png, rgb-bmp.bmp, rgb.png: unique ids, as extract
    /// needs). The CLIP, Qwen and DINOv2 processors composite a transparent colour on white, where
    /// SinkScope (as PIL's convert("RGB")) keeps the stored colour (ImageDecoder), so a transparent palette
    /// PNG would differ by design. With `side`, each is resized with PIL (bicubic) to a side × side PNG.
    func opaqueImages(in root: URL, side: Int? = nil) throws -> URL {
        let images = root.appendingPathComponent("opaque")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for (name, copy) in [("gray.png", "gray.png"), ("rgb.bmp", "rgb-bmp.bmp"), ("rgb.png", "rgb.png")] {
            let source = Fixtures.url("images/decode/\(name)")
            guard let side else {
                try FileManager.default.copyItem(at: source, to: images.appendingPathComponent(copy))
                continue
            }
            let resize = "import sys; from PIL import Image; Image.open(sys.argv[1]).convert('RGB').resize((int(sys.argv[3]),) * 2, 3).save(sys.argv[2])"
            let target = images.appendingPathComponent((copy as NSString).deletingPathExtension + ".png")
            let ran = try Python.run(["-c", resize, source.path, target.path, "\(side)"])
            XCTAssertEqual(ran.status, 0, ran.output)
        }
        return images
    }

    /// Runs the whole-process script (eager, batches of 2) over the 3 images of `images` and checks every
    /// tensor it wrote against SinkScope's preprocessing and forward of the same file: hidden states to f16
    /// rounding, received attention and (Qwen2.5-VL) merged tokens to 1e-4 relative.
    func checkWholeProcess(folder folderURL: URL, images: URL, out: URL, imageSize: InputSize?, tokens: Int? = nil,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let ran = try Python.run([Self.processScript.path, "--model", folderURL.path, "--images", images.path, "--out", out.path,
                                  "--batch", "2", "--threads", "1", "--mode", "eager"] + (imageSize.map { ["--image-size", $0.description] } ?? []))
        XCTAssertEqual(ran.status, 0, ran.output, file: file, line: line)

        let folder = ModelFolder(url: folderURL), model = try folder.load(), layers = model.spec.layers
        let pipeline = ImagePipeline(preprocessor: try Extractor.preprocessor(folder: folder, model: model, requested: imageSize))
        let size = try XCTUnwrap(pipeline.preprocessor.targetSize)
        let files = try FileManager.default.contentsOfDirectory(atPath: images.path).sorted()
        XCTAssertEqual(files.count, 3, file: file, line: line)
        for (k, name) in files.enumerated() {
            let pixels = try pipeline.pixels(images.appendingPathComponent(name))
            let mine = try model.forward(pixels: pixels, images: 1, height: size.height, width: size.width,
                                         capture: CaptureRequest(hiddenLayers: Set(0...layers), received: true, merged: true), threads: 1)[0]
            let shard = try SafetensorsFile(url: out.appendingPathComponent(String(format: "batch-%05d.safetensors", k / 2)))
            let inShard = k / 2 == 0 ? 2 : 1
            func theirs(_ key: String) throws -> [Float] {
                let all = try shard.floats(key), per = all.count / inShard
                return Array(all[(k % 2) * per..<(k % 2 + 1) * per])
            }
            XCTAssertEqual(try shard.info("hidden.\(layers)").dtype, .f16, file: file, line: line)
            if let tokens { XCTAssertEqual(try shard.info("hidden.0").shape, [inShard, tokens, model.spec.hiddenSize], file: file, line: line) }
            for l in 0...layers {
                let got = try theirs("hidden.\(l)"), expected = try XCTUnwrap(mine.hidden[l])
                XCTAssertEqual(got.count, expected.count, "\(name) hidden.\(l)", file: file, line: line)
                let worst = zip(expected, got).map { abs($0 - $1) - (abs($0) * 1.1e-3 + 1e-4) }.max() ?? 0
                // f16 keeps 11 bits: half an ulp, plus a little for the two forwards
                XCTAssertLessThanOrEqual(worst, 0, "\(name) hidden.\(l)", file: file, line: line)
            }
            for l in 1...layers {
                let got = try theirs("received.\(l)"), expected = try XCTUnwrap(mine.received[l])
                XCTAssertEqual(got.count, expected.count, file: file, line: line)
                XCTAssertLessThan(got.count == expected.count ? maxRelativeError(expected, got) : .infinity, 1e-4, "\(name) received.\(l)",
                                  file: file, line: line)
            }
            // Both sides write merged tokens exactly when the tower has a merger (Qwen2.5-VL).
            XCTAssertEqual(mine.merged != nil, model.mergerOutputWidth != nil, file: file, line: line)
            XCTAssertEqual(shard.names.contains("merged"), model.mergerOutputWidth != nil, "\(shard.names)", file: file, line: line)
            if let expected = mine.merged {
                let got = try theirs("merged")
                XCTAssertLessThan(got.count == expected.count ? maxRelativeError(expected, got) : .infinity, 1e-4, "\(name) merged",
                                  file: file, line: line)
            }
        }
    }
}
