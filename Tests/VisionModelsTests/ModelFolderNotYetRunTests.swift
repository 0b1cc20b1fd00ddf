import Foundation
import TestSupport
import XCTest

@testable import VisionModels

/// Qwen3-VL folders are refused with one sentence saying what their tower needs (docs/forward.md).
final class ModelFolderNotYetRunTests: XCTestCase {
    /// A Qwen3-VL checkpoint's config.json as transformers 5 writes it (the fields that matter here).
    static func writeQwen3VLFolder(_ modelType: String = "qwen3_vl", visionType: String = "qwen3_vl_vision") throws -> URL {
        let folder = temporaryDirectory("qwen3-vl")
        let config: [String: Any] = [
            "model_type": modelType, "architectures": ["Qwen3VLForConditionalGeneration"],
            "vision_config": ["model_type": visionType, "depth": 27, "hidden_size": 1152, "patch_size": 16,
                              "spatial_merge_size": 2, "num_position_embeddings": 2304, "deepstack_visual_indexes": [8, 16, 24]],
            "text_config": ["model_type": "qwen3_vl_text", "hidden_size": 2048],
        ]
        try JSONSerialization.data(withJSONObject: config).write(to: folder.appendingPathComponent("config.json"))
        return folder
    }

    func testAQwen3VLFolderIsRefusedWithWhatItNeeds() throws {
        for (type, vision) in [("qwen3_vl", "qwen3_vl_vision"), ("qwen3_vl_moe", "qwen3_vl_moe_vision"), ("llava", "qwen3_vl_vision")] {
            let folder = try Self.writeQwen3VLFolder(type, visionType: vision)
            defer { try? FileManager.default.removeItem(at: folder) }
            XCTAssertThrowsError(try ModelFolder(url: folder).load()) { error in
                guard case .notImplemented = error as? ModelError else { return XCTFail("\(type): \(error)") }
                let text = "\(error)"
                XCTAssertTrue(text.hasPrefix("The model in \(folder.appendingPathComponent("config.json").path) (model_type '\(type)', Qwen3-VL)"), text)
                XCTAssertTrue(text.contains("deepstack") && text.contains("2-D rotary"), text)
                XCTAssertTrue(text.hasSuffix("which SinkScope's forward pass does not run yet."), text)
                XCTAssertFalse(text.dropLast().contains(". ") || text.contains("\n"), "one sentence: \(text)")
            }
        }
    }
}
