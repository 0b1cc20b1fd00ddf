import Foundation
import TestSupport
import XCTest

@testable import VisionModels

/// `model.safetensors.index.json` from bytes (the entry point the file reader and the
/// checkpoint_index fuzz target share) and from a file.
final class CheckpointIndexTests: XCTestCase {
    func testWeightMapAndSortedDistinctShards() throws {
        let json = #"{"metadata": {"total_size": 10}, "weight_map": {"b.weight": "model-00002-of-00002.safetensors", "a.weight": "model-00001-of-00002.safetensors", "c.bias": "model-00001-of-00002.safetensors"}}"#
        let index = try CheckpointIndex(data: Data(json.utf8), path: "index.json")
        XCTAssertEqual(index.shards, ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"])
        XCTAssertEqual(index.weightMap["b.weight"], "model-00002-of-00002.safetensors")
    }

    func testTheFileReaderParsesTheSameBytes() throws {
        let folder = temporaryDirectory("index")
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = CheckpointIndex.url(in: folder)
        try Data(#"{"weight_map": {"x": "model.safetensors"}}"#.utf8).write(to: url)
        XCTAssertEqual(try CheckpointIndex(url: url).weightMap, ["x": "model.safetensors"])
        XCTAssertThrowsError(try CheckpointIndex(url: folder.appendingPathComponent("missing.json"))) {
            XCTAssertTrue("\($0)".contains("cannot be read"), "\($0)")
        }
    }

    func testMalformedIndexesGiveOneSentenceNamingTheFile() {
        for (json, phrase) in [("[1, 2]", "not a JSON object"), ("{", "not a JSON object"), ("", "not a JSON object"),
                               (#"{"metadata": {}}"#, "no weight_map object"), (#"{"weight_map": {}}"#, "weight_map is empty"),
                               (#"{"weight_map": {"a": 3}}"#, "weight_map['a'] is not a file name"),
                               (#"{"weight_map": {"a": "../model.safetensors"}}"#, "is not a file in the checkpoint folder"),
                               (#"{"weight_map": {"a": ".."}}"#, "is not a file in the checkpoint folder")] {
            XCTAssertThrowsError(try CheckpointIndex(data: Data(json.utf8), path: "/m/model.safetensors.index.json"), json) {
                let text = "\($0)"
                XCTAssertTrue(text.contains("/m/model.safetensors.index.json") && text.contains(phrase), "'\(text)' lacks '\(phrase)'")
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
    }
}
