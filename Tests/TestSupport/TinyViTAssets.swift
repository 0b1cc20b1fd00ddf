import Foundation
import XCTest

/// The tiny ViT fixture (32×32 input, 4×4 grid, CLS, no registers, 2 blocks, MLP width 64) as a model
/// folder, plus three PNG fixtures as an image folder: what the intervention tests run on.
public enum TinyViTAssets {
    /// Writes `tiny-vit/` and `images/` under `root`; skips when the PNG fixtures are missing.
    public static func make(in root: URL) throws -> (model: URL, images: URL) {
        let images = root.appendingPathComponent("images"), model = root.appendingPathComponent("tiny-vit")
        for dir in [images, model] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let sources = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("images/decode").path)
            .filter { $0.hasSuffix(".png") }.sorted().prefix(3)
        try XCTSkipIf(sources.count < 3, "needs three PNG fixtures in Tests/Fixtures/images/decode")
        for name in sources {
            try FileManager.default.copyItem(at: Fixtures.url("images/decode/\(name)"), to: images.appendingPathComponent(name))
        }
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: Fixtures.url("models/tiny-vit/\(file)"), to: model.appendingPathComponent(file))
        }
        try Data(#"{"size": {"height": 32, "width": 32}}"#.utf8).write(to: model.appendingPathComponent("preprocessor_config.json"))
        return (model, images)
    }
}
