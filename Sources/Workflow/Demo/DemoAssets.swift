import ActivationStore
import SinkAnalysis
import ReportKit
import Images
import Foundation
import VisionModels

/// The real assets the demo runs on, found in the cache `scripts/setup.sh` fills: the DINOv2
/// ViT-S/14 ONNX export (or the model folder already converted from it) and the sample photos.
///
/// This type only checks: fetching needs pip and network access, which `scripts/fetch-assets.sh`
/// does in one place (`scripts/setup.sh` and `scripts/demo.sh` run it first, and `sinkscope demo`
/// runs it once when this check finds an asset missing). A missing asset is one sentence naming
/// the folder and the command to run.
struct DemoAssets {
    let cache: URL

    var photosDirectory: URL { cache.appendingPathComponent("photos") }

    /// The photos, sorted by file name (the first `limit` of them when given).
    /// - Throws: `DemoError.missingAssets` when the model or the photos are not in the cache.
    func check(limit: Int?) throws -> [URL] {
        let resolver = ModelResolver(cache: cache)
        var missing: [String] = []
        let converted = FileManager.default.fileExists(atPath: resolver.builtInFolderURL.appendingPathComponent("model.safetensors").path)
        if !converted && !FileManager.default.fileExists(atPath: resolver.onnxURL.path) {
            missing.append("the DINOv2 ONNX export (onnx/vit_s_focus.onnx)")
        }
        let photos = ((try? ImageSource(directory: photosDirectory))?.items.map(\.url)) ?? []
        if photos.isEmpty { missing.append("the sample photos (photos/)") }
        guard missing.isEmpty else { throw DemoError.missingAssets(cache: cache.path, missing: missing) }
        return limit.map { Array(photos.prefix($0)) } ?? photos
    }
}
