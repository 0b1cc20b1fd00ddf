import Foundation
import TestSupport
import XCTest

@testable import VisionModels

/// The LVLM side of config.json, parsed from bytes (the entry point `readLVLM()` and the
/// checkpoint_index fuzz target share), and what reaches the LLM.
final class LVLMSpecTests: XCTestCase {
    private func internVL(_ extra: String) -> Data {
        Data(#"{"model_type": "internvl", "vision_config": {"hidden_size": 32, "num_hidden_layers": 3}\#(extra)}"#.utf8)
    }

    func testInternVLPixelShuffleMergesKByKPatches() throws {
        let half = try XCTUnwrap(try ModelFolder.lvlm(json: internVL(""), source: "config.json"))
        XCTAssertEqual(half.downsampleRatio, 0.5)   // HF's default when the key is absent
        let info = try half.info(layers: 3, prefix: 1, grid: [4, 6], path: "config.json")
        XCTAssertEqual(info.tokenMerge, "pixel_shuffle 2x2->1")
        XCTAssertEqual(info.tokensPassed, 6)
        let quarter = try XCTUnwrap(try ModelFolder.lvlm(json: internVL(#", "downsample_ratio": 0.25"#), source: "config.json"))
        XCTAssertEqual(try quarter.info(layers: 3, prefix: 1, grid: [8, 8], path: "").tokensPassed, 4)
        XCTAssertEqual(try ModelFolder.lvlm(json: internVL(#", "downsample_ratio": 1"#), source: "c")?.info(layers: 3, prefix: 1, grid: [3, 3], path: "").tokensPassed, 9)
    }

    /// A ratio of 0 trapped in `info` (1 / 0 converted to Int); the fuzz input is
    /// Tests/Fuzz/Regressions/checkpoint_index/internvl-downsample-ratio-zero.json.
    func testDownsampleRatiosThatAreNotOneOverAWholeNumberAreRefused() {
        for value in ["0", "-0.5", "0.3", "2", "1e-300", "\"0.5\"", "[0.5]"] {
            XCTAssertThrowsError(try ModelFolder.lvlm(json: internVL(#", "downsample_ratio": \#(value)"#), source: "/m/config.json"), value) {
                let text = "\($0)"
                XCTAssertTrue(text.contains("/m/config.json") && text.contains("downsample_ratio") && text.contains("1/k"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
        let regression = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fuzz/Regressions/checkpoint_index/internvl-downsample-ratio-zero.json")
        XCTAssertThrowsError(try ModelFolder.lvlm(json: try Data(contentsOf: regression), source: "config.json")) {
            XCTAssertTrue("\($0)".contains("downsample_ratio 0"), "\($0)")
        }
    }

    func testAGridTheMergeDoesNotDivideIsRefused() throws {
        let spec = try XCTUnwrap(try ModelFolder.lvlm(json: internVL(""), source: "config.json"))
        XCTAssertThrowsError(try spec.info(layers: 3, prefix: 1, grid: [5, 5], path: "config.json")) {
            XCTAssertEqual("\($0)", "Invalid model input: the pixel shuffle of config.json (downsample_ratio 0.5) merges 2x2 patches, which does not divide the patch grid 5x5; choose an image size whose grid is a multiple of 2.")
        }
    }

    func testFeatureLayerAndSelectStrategyDefaultsPerFamily() throws {
        let llava = try XCTUnwrap(try ModelFolder.lvlm(json: Data(#"{"model_type": "llava", "vision_config": {}}"#.utf8), source: "c"))
        let info = try llava.info(layers: 3, prefix: 1, grid: [4, 4], path: "")
        XCTAssertEqual([info.featureSource, info.selectStrategy], ["hidden_states[-2]", "default"])
        XCTAssertEqual([info.layer, info.tokensPassed], [2, 16])
        let paligemma = try XCTUnwrap(try ModelFolder.lvlm(json: Data(#"{"model_type": "paligemma"}"#.utf8), source: "c"))
        XCTAssertEqual(try paligemma.info(layers: 3, prefix: 0, grid: [4, 4], path: "").featureSource, "last_hidden_state")
        XCTAssertNil(try ModelFolder.lvlm(json: Data(#"{"model_type": "clip_vision_model"}"#.utf8), source: "c"))
        XCTAssertThrowsError(try ModelFolder.lvlm(json: Data(#"{"model_type": "llava", "vision_feature_layer": [-2, -5]}"#.utf8), source: "c")) {
            XCTAssertTrue("\($0)".contains("a list of layers is not supported"), "\($0)")
        }
        let deep = try XCTUnwrap(try ModelFolder.lvlm(json: Data(#"{"model_type": "llava", "vision_feature_layer": -10}"#.utf8), source: "c"))
        XCTAssertThrowsError(try deep.info(layers: 3, prefix: 1, grid: [4, 4], path: "c")) {
            XCTAssertTrue("\($0)".contains("vision_feature_layer -10 is outside the tower's hidden states 0...3"), "\($0)")
        }
    }

    func testTheFolderReadersParseTheSameBytes() throws {
        let folder = ModelFolder(url: Fixtures.url("models/tiny-clip"))
        let bytes = try Data(contentsOf: folder.configURL)
        let fromFile = try folder.readConfig().architecture(source: "a")
        let fromBytes = try ModelFolder.config(json: bytes, source: "a").architecture(source: "a")
        XCTAssertEqual(fromFile.architecture, fromBytes.architecture)
        XCTAssertEqual([fromFile.hiddenSize, fromFile.layers, fromFile.heads], [fromBytes.hiddenSize, fromBytes.layers, fromBytes.heads])
        XCTAssertThrowsError(try ModelFolder.config(json: Data("{}".utf8), source: "/m/config.json")) {
            XCTAssertEqual("\($0)", "The model config /m/config.json is invalid: it has no model_type.")
        }
    }

    /// Found by the checkpoint_index fuzz target (its input is in Tests/Fuzz/Regressions/checkpoint_index):
    /// a tower config with `patch_size: 0` trapped where `inspect` divides the image size by it.
    func testATowerWithPatchSizeZeroIsRefusedBeforeAnyDivision() throws {
        let input = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fuzz/Regressions/checkpoint_index/llava-onevision-patch-size-zero.json")
        let config = try ModelFolder.config(json: try Data(contentsOf: input), source: "/m/config.json")
        XCTAssertThrowsError(try config.architecture(source: "/m/config.json")) {
            XCTAssertEqual("\($0)", "The model config /m/config.json is invalid: patch_size 0 must be in 1...1024.")
        }
        let folder = temporaryDirectory("patch-zero")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: input, to: folder.appendingPathComponent("config.json"))
        XCTAssertThrowsError(try ModelFolder(url: folder).summary()) {
            XCTAssertTrue("\($0)".contains("patch_size 0 must be in 1...1024"), "\($0)")
        }
    }
}
