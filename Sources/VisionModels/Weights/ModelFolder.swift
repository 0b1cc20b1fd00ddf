import Support
import Foundation

/// A HuggingFace model folder: `config.json` + `model.safetensors` (+ optional `conversion.json`,
/// `preprocessor_config.json`).
public struct ModelFolder: Sendable {
    public let url: URL
    public var configURL: URL { url.appendingPathComponent("config.json") }
    public var weightsURL: URL { url.appendingPathComponent("model.safetensors") }
    /// HF image-processor settings, when the folder has them.
    public var preprocessorConfigURL: URL? {
        let u = url.appendingPathComponent("preprocessor_config.json")
        return FileManager.default.fileExists(atPath: u.path) ? u : nil
    }

    public init(url: URL) { self.url = url }

    /// Reads the config and the weights and builds the architecture `model_type` names.
    /// - Throws: `ModelError.missingFile`, `.badConfig`, `.unsupportedArchitecture`, `.missingWeight`,
    ///   `.wrongShape`, or a `TensorFileError` from the safetensors reader.
    public func load() throws -> VisionTransformer {
        let config = try readConfig()
        guard FileManager.default.fileExists(atPath: weightsURL.path) else {
            throw ModelError.missingFile(path: weightsURL.path, hint: "a model folder needs model.safetensors next to config.json")
        }
        let weights = try ModelWeights(safetensors: weightsURL)
        switch config {
        case .dinov2(let c): return try .dinov2(config: c, weights: weights)
        case .vit(let c): return try .vit(config: c, weights: weights)
        case .clipVision(let c): return try .clipVision(config: c, weights: weights)
        case .dinov3ViT(let c): return try .dinov3ViT(config: c, weights: weights)
        case .qwen2_5_VLVision(let c): return try .qwen2_5_VLVision(config: c, weights: weights)
        }
    }

    public enum Config: Sendable {
        case dinov2(Dinov2Config), vit(ViTConfig), clipVision(CLIPVisionConfig)
        case dinov3ViT(DINOv3ViTConfig)
        case qwen2_5_VLVision(Qwen2_5_VLVisionConfig)
    }

    /// Parses config.json, dispatching on `model_type` ("clip" uses its `vision_config`).
    public func readConfig() throws -> Config {
        let path = configURL.path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelError.missingFile(path: path, hint: "a model folder needs config.json (HF format)")
        }
        guard data.count < 10_000_000,
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError.badConfig(path: path, reason: "it is not a JSON object")
        }
        guard let modelType = object["model_type"] as? String else {
            throw ModelError.badConfig(path: path, reason: "it has no model_type")
        }
        func decode<T: Decodable>(_ type: T.Type, _ json: Any) throws -> T {
            do {
                return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: json))
            } catch {
                throw ModelError.badConfig(path: path, reason: "a field has the wrong type (\(error))")
            }
        }
        switch modelType {
        case "dinov2": return .dinov2(try decode(Dinov2Config.self, object))
        case "vit": return .vit(try decode(ViTConfig.self, object))
        case "dinov3_vit": return .dinov3ViT(try decode(DINOv3ViTConfig.self, object))
        case "qwen2_5_vl_vision": return .qwen2_5_VLVision(try decode(Qwen2_5_VLVisionConfig.self, object))
        case "qwen2_5_vl":   // an LVLM checkpoint: only the tower is read
            return .qwen2_5_VLVision(try decode(Qwen2_5_VLVisionConfig.self, object["vision_config"] ?? [String: Any]()))
        case "clip_vision_model": return .clipVision(try decode(CLIPVisionConfig.self, object))
        case "clip":
            return .clipVision(try decode(CLIPVisionConfig.self, object["vision_config"] ?? [String: Any]()))
        default: throw ModelError.unsupportedArchitecture(path: path, modelType: modelType)
        }
    }

    /// Writes a complete folder atomically: everything goes into a hidden temporary directory beside
    /// `url`, which is renamed to `url` only when all files are written. If another process finished
    /// the same folder first, its copy is kept.
    /// - Parameters:
    ///   - config: encoded as config.json (HF keys).
    ///   - record: written as conversion.json when given.
    @discardableResult
    public static func write<C: Encodable>(config: C, weights: ModelWeights, record: ConversionRecord?, to url: URL) throws -> ModelFolder {
        let fm = FileManager.default
        let parent = url.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(".\(url.lastPathComponent).tmp-\(UUID().uuidString)")
        do {
            try fm.createDirectory(at: temporary, withIntermediateDirectories: true)
            let encoder = JSONCoding.encoder()
            try encoder.encode(config).write(to: temporary.appendingPathComponent("config.json"), options: .atomic)
            if let record {
                try encoder.encode(record).write(to: temporary.appendingPathComponent("conversion.json"), options: .atomic)
            }
            try weights.writeSafetensors(to: temporary.appendingPathComponent("model.safetensors"))
            if fm.fileExists(atPath: url.path) {
                try? fm.removeItem(at: temporary)
            } else {
                try fm.moveItem(at: temporary, to: url)
            }
        } catch {
            try? fm.removeItem(at: temporary)
            throw ModelError.conversionFailed(source: url.path, reason: "writing the model folder failed (\(error))")
        }
        return ModelFolder(url: url)
    }
}
