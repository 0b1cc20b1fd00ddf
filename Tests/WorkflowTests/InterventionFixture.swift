import Foundation
import Images
import SinkAnalysis
import TestSupport
import VisionModels
import XCTest
@testable import Workflow

/// Real stores for the intervention report tests: the tiny ViT fixture (32×32 input, 4×4 grid,
/// CLS, 2 blocks) on three PNG fixtures, extracted clean and run through `intervene`.
enum InterventionFixture {
    /// A directory holding `tiny-vit/` and `images/`.
    static func assets(in root: URL) throws -> (model: URL, images: URL) {
        try TinyViTAssets.make(in: root)
    }

    static func extraction(_ assets: (model: URL, images: URL), out: URL) -> ExtractionConfig {
        ExtractionConfig(model: assets.model.path, images: assets.images, output: out, receivedAttention: true, hiddenDType: .f32,
                         progress: false)
    }

    /// The clean store (plain extract) and the store of `kind` on CLS at blocks 1 and 2.
    static func stores(in root: URL, kind: InterventionKind = .knockout) throws -> (clean: URL, intervened: URL, effects: InterventionEffects) {
        let assets = try assets(in: root)
        let clean = root.appendingPathComponent("clean"), intervened = root.appendingPathComponent("intervened")
        _ = try Extractor.run(extraction(assets, out: clean))
        let summary = try InterventionRun.run(InterventionConfig(
            extraction: extraction(assets, out: intervened), kind: kind, selector: .cls, layers: [1, 2], detector: nil))
        return (clean, intervened, summary.effects)
    }

    /// Pixels in the middle of a chart PNG (inside its axes) that are clearly coloured, i.e. drawn by
    /// a series: background, grid, axes and text are all white or grey.
    static func colouredPixels(png: URL) throws -> Int {
        let image = try ImageDecoder().decode(contentsOf: png)
        var count = 0
        for y in (image.height / 5)..<(image.height * 4 / 5) {
            for x in (image.width / 5)..<(image.width * 4 / 5) {
                let c = image[x, y]
                let hi = max(c.r, c.g, c.b), lo = min(c.r, c.g, c.b)
                if Int(hi) - Int(lo) > 60 { count += 1 }
            }
        }
        return count
    }
}
