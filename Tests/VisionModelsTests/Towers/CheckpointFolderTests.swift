import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// LVLM checkpoint folders as transformers writes them: sharded or not, F32/F16/BF16, the layouts
/// transformers loads; only the tower's tensors are read. And their bad inputs.
final class CheckpointFolderTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(Python.canImport(TowerReference.modules), Python.missing(TowerReference.modules))
    }

    func testShardedF16LLaVAFolderMatchesTransformers() throws {
        let folder = try TowerReference.build("llava", ["--dtype", "f16", "--shard-size", "40KB"])
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors.index.json").path))
        try TowerReference.compare(folder: folder)
        let lvlm = try XCTUnwrap(try ModelFolder(url: folder).readLVLM())
        let info = try lvlm.info(layers: 3, prefix: 1, grid: [4, 4], path: "")
        XCTAssertEqual(info.featureSource, "hidden_states[-2]")
        XCTAssertEqual(info.layer, 2)
        XCTAssertEqual(info.tokensPassed, 16)
    }

    func testBF16SingleFileAndHubLayoutLLaVA() throws {
        let bf16 = try TowerReference.build("llava", ["--dtype", "bf16"])
        defer { try? FileManager.default.removeItem(at: bf16) }
        try TowerReference.compare(folder: bf16)
        let hub = try TowerReference.build("llava", ["--layout", "hub"])
        defer { try? FileManager.default.removeItem(at: hub) }
        XCTAssertTrue(try SafetensorsFile(url: hub.appendingPathComponent("model.safetensors")).contains("vision_tower.vision_model.pre_layrnorm.weight"))
        try TowerReference.compare(folder: hub)
    }

    func testStandaloneCLIPSavedAndHubLayouts() throws {
        for layout in ["saved", "hub"] {
            let folder = try TowerReference.build("clip_vision_model", ["--layout", layout])
            defer { try? FileManager.default.removeItem(at: folder) }
            try TowerReference.compare(folder: folder)
        }
    }

    func testTheTowerViewHoldsNoLanguageModelTensor() throws {
        let folder = try TowerReference.build("llava", ["--shard-size", "40KB"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let weights = try ModelWeights(checkpoint: folder)
        XCTAssertTrue(weights.names.contains { $0.contains("language_model") })
        let tower = weights.scoped(to: try XCTUnwrap(weights.firstPrefix(of: LVLMSpec.towerPrefixes)))
        XCTAssertFalse(tower.names.contains { $0.contains("language_model") || $0.contains("projector") })
        XCTAssertTrue(tower.contains("encoder.layers.0.self_attn.q_proj.weight"))
    }

    // MARK: - Bad input

    private func expectError(_ folder: URL, contains parts: [String], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ModelFolder(url: folder).load(), file: file, line: line) { error in
            let text = "\(error)"
            for part in parts { XCTAssertTrue(text.contains(part), "'\(text)' lacks '\(part)'", file: file, line: line) }
            XCTAssertEqual(text.filter { $0 == "\n" }.count, 0, file: file, line: line)
        }
    }

    func testBadLVLMFoldersGiveOneSentenceNamingTheProblem() throws {
        let folder = try TowerReference.build("llava", ["--shard-size", "40KB"])
        defer { try? FileManager.default.removeItem(at: folder) }
        let indexURL = folder.appendingPathComponent("model.safetensors.index.json")
        let configURL = folder.appendingPathComponent("config.json")
        let index = try Data(contentsOf: indexURL), config = try Data(contentsOf: configURL)
        var object = try JSONSerialization.jsonObject(with: index) as! [String: Any]
        var map = object["weight_map"] as! [String: String]
        let missingName = "vision_tower.encoder.layers.1.mlp.fc2.weight"
        let shard = map[missingName]!

        // A tower tensor the index puts in a shard that lacks it.
        let otherShard = Set(map.values).sorted().first { $0 != shard }!
        map[missingName] = otherShard
        object["weight_map"] = map
        try JSONSerialization.data(withJSONObject: object).write(to: indexURL)
        expectError(folder, contains: [missingName, otherShard, "where the index puts it"])

        // A tower tensor the index does not list: named with the shard of its neighbours.
        map[missingName] = nil
        object["weight_map"] = map
        try JSONSerialization.data(withJSONObject: object).write(to: indexURL)
        expectError(folder, contains: [missingName, "the index does not list it"])

        // An index pointing at a shard that does not exist.
        map[missingName] = "model-00009-of-00009.safetensors"
        object["weight_map"] = map
        try JSONSerialization.data(withJSONObject: object).write(to: indexURL)
        expectError(folder, contains: ["model-00009-of-00009.safetensors", "does not exist"])
        try index.write(to: indexURL)

        // A config whose sizes disagree with the shards.
        var c = try JSONSerialization.jsonObject(with: config) as! [String: Any]
        var vision = c["vision_config"] as! [String: Any]
        vision["intermediate_size"] = 48
        c["vision_config"] = vision
        try JSONSerialization.data(withJSONObject: c).write(to: configURL)
        expectError(folder, contains: ["mlp.fc1.weight", "[64, 32]", "[48, 32]"])

        // No vision_config.
        c["vision_config"] = nil
        try JSONSerialization.data(withJSONObject: c).write(to: configURL)
        expectError(folder, contains: ["vision_config"])

        // Unsupported model type names the supported ones.
        c["model_type"] = "blip_2"
        try JSONSerialization.data(withJSONObject: c).write(to: configURL)
        expectError(folder, contains: ["blip_2", "llava", "paligemma", "internvl"])
    }
}
