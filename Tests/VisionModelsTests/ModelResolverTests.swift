import Foundation
import TestSupport
import XCTest

@testable import VisionModels

final class ModelResolverTests: XCTestCase {
    func testBuiltInModelWithoutTheONNXFileSaysToRunSetup() throws {
        let empty = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertThrowsError(try ModelResolver(cache: empty).resolve("dinov2-small")) { error in
            guard case ModelError.missingFile(let path, let hint) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(path, empty.appendingPathComponent("onnx/vit_s_focus.onnx").path)
            XCTAssertTrue(hint.contains("scripts/setup.sh"), hint)
        }
        // Nothing half-made is left in the cache.
        XCTAssertFalse(FileManager.default.fileExists(atPath: empty.appendingPathComponent("models/dinov2-small").path))
    }

    func testOtherValuesArePathsToFolders() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertEqual(try ModelResolver(cache: dir).resolve(dir.path).url.standardizedFileURL.path, dir.standardizedFileURL.path)
        XCTAssertThrowsError(try ModelResolver(cache: dir).resolve(dir.appendingPathComponent("nope").path)) { error in
            XCTAssertTrue("\(error)".contains("--model takes 'dinov2-small' or the path of a HuggingFace model folder"), "\(error)")
        }
    }

    func testModelFolderConfigErrorsNameTheFile() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let folder = ModelFolder(url: dir)
        let config = folder.configURL.path
        XCTAssertThrowsError(try folder.load()) { XCTAssertEqual($0 as? ModelError, .missingFile(path: config, hint: "a model folder needs config.json (HF format)")) }

        try Data("{not json".utf8).write(to: folder.configURL)
        XCTAssertThrowsError(try folder.load()) { XCTAssertEqual($0 as? ModelError, .badConfig(path: config, reason: "it is not a JSON object")) }

        try Data(#"{"model_type": "bert"}"#.utf8).write(to: folder.configURL)
        XCTAssertThrowsError(try folder.load()) { XCTAssertEqual($0 as? ModelError, .unsupportedArchitecture(path: config, modelType: "bert")) }

        try Data(#"{"model_type": "vit", "hidden_size": "big"}"#.utf8).write(to: folder.configURL)
        XCTAssertThrowsError(try folder.load()) { error in
            guard case ModelError.badConfig(config, _) = error else { return XCTFail("\(error)") }
        }

        try Data(#"{"model_type": "vit", "hidden_size": 30, "num_attention_heads": 4}"#.utf8).write(to: folder.configURL)
        XCTAssertThrowsError(try folder.load()) { error in
            XCTAssertEqual(error as? ModelError, .missingFile(path: folder.weightsURL.path, hint: "a model folder needs model.safetensors (or model.safetensors.index.json and its shards) next to config.json"))
        }
    }
}
