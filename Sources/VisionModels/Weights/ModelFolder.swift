import Support
import Foundation

/// A HuggingFace model folder: `config.json` + `model.safetensors` or `model.safetensors.index.json` and
/// its shards (+ optional `conversion.json`, `preprocessor_config.json`). The folder may hold a bare
/// vision tower or a whole LVLM, of which only the vision tower is read.
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

    /// Reads the config and the weights and builds the architecture `model_type` names. For an LVLM
    /// folder, the tower its `vision_config` describes, from the tower's tensors only.
    ///
    /// The checkpoint (`model.safetensors`, or `model.safetensors.index.json` and its shards; F32, F16 or
    /// BF16) is memory-mapped; only the tensors the tower needs are read and converted to f32, each large
    /// one by `threads` workers (F32 weight matrices are read in place, with nothing to convert).
    /// - Throws: `ModelError.missingFile`, `.badConfig`, `.unsupportedArchitecture`, `.missingWeight`
    ///   (naming the shard the tensor belongs in), `.wrongShape`, or a `TensorFileError` from the reader.
    public func load(threads: Int = 1) throws -> VisionTransformer {
        let config = try readConfig()
        var weights = try ModelWeights(checkpoint: url)
        weights.decodeThreads = max(1, threads)
        if try readLVLM() != nil {
            guard let root = weights.firstPrefix(of: LVLMSpec.towerPrefixes) else {
                throw ModelError.missingWeight(
                    name: LVLMSpec.towerPrefixes.last! + "*", source: weights.source, available: weights.names)
            }
            weights = weights.scoped(to: root)
        }
        switch config {
        case .dinov2(let c): return try .dinov2(config: c, weights: weights)
        case .vit(let c): return try .vit(config: c, weights: weights)
        case .clipVision(let c): return try .clipVision(config: c, weights: weights)
        case .siglipVision(let c): return try .siglipVision(config: c, weights: weights)
        case .dinov2WithRegisters(let c): return try .dinov2WithRegisters(config: c, weights: weights)
        case .internVLVision(let c): return try .internVLVision(config: c, weights: weights)
        case .dinov3ViT(let c): return try .dinov3ViT(config: c, weights: weights)
        case .qwen2_5_VLVision(let c): return try .qwen2_5_VLVision(config: c, weights: weights)
        }
    }

    public enum Config: Sendable {
        case dinov2(Dinov2Config), vit(ViTConfig), clipVision(CLIPVisionConfig)
        case siglipVision(SiglipVisionConfig), dinov2WithRegisters(Dinov2WithRegistersConfig), internVLVision(InternVLVisionConfig)
        case dinov3ViT(DINOv3ViTConfig)
        case qwen2_5_VLVision(Qwen2_5_VLVisionConfig)

        /// The tower's architecture description (sizes, prefix tokens, block), checked as loading checks
        /// it: `inspect` reads no weights but divides by the patch size (a config with `patch_size: 0`
        /// trapped there; found by the checkpoint_index fuzz target).
        /// - Throws: `ModelError.badConfig` naming `source` for sizes out of range or that do not fit together.
        public func architecture(source: String) throws -> ArchitectureDescription {
            let spec: ArchitectureDescription
            switch self {
            case .dinov2(let c): spec = try c.description(source: source)
            case .vit(let c): spec = try c.description(source: source)
            case .clipVision(let c): spec = try c.description(source: source)
            case .siglipVision(let c): spec = try c.description(source: source)
            case .internVLVision(let c): spec = try c.description(source: source)
            case .dinov2WithRegisters(let c): spec = try c.description(source: source)
            case .dinov3ViT(let c): spec = try c.description(source: source)
            case .qwen2_5_VLVision(let c): spec = try c.description(source: source)
            }
            try spec.validate(source: source)
            return spec
        }
    }

    /// The `model_type`s `--model` opens: towers, and LVLMs whose vision tower is one of them.
    public static let supportedModelTypes = [
        "dinov2", "dinov2_with_registers", "dinov3_vit", "vit", "clip", "clip_vision_model", "siglip", "siglip_vision_model",
        "internvl_vision", "qwen2_5_vl", "qwen2_5_vl_vision",
    ] + LVLMSpec.towerDefaults.keys.sorted()

    /// Parses config.json, dispatching on `model_type` ("clip" and the LVLMs use their `vision_config`).
    /// - Throws: `ModelError.missingFile` when there is no config.json, else the errors of `config(json:source:)`.
    public func readConfig() throws -> Config {
        try Self.config(json: try readConfigData(), source: configURL.path)
    }

    /// The LVLM side of config.json (feature layer, select strategy, token merge), nil for a bare tower.
    /// - Throws: `ModelError.missingFile` when there is no config.json, else the errors of `lvlm(json:source:)`.
    public func readLVLM() throws -> LVLMSpec? {
        try Self.lvlm(json: try readConfigData(), source: configURL.path)
    }

    /// The bytes of config.json.
    private func readConfigData() throws -> Data {
        guard let data = FileManager.default.contents(atPath: configURL.path) else {
            throw ModelError.missingFile(path: configURL.path, hint: "a model folder needs config.json (HF format)")
        }
        return data
    }

    // MARK: - Parsing config.json's bytes (the file readers above and the fuzz target come here)

    /// The tower config of a config.json's contents, dispatching on `model_type` ("clip" and the LVLMs
    /// use their `vision_config`).
    /// - Parameters: json: the file's bytes; source: its path, for messages.
    /// - Throws: `ModelError.badConfig` naming `source`, `.unsupportedArchitecture`.
    public static func config(json: Data, source path: String) throws -> Config {
        let object = try configObject(json: json, source: path)
        let modelType = object["model_type"] as! String
        func decode<T: Decodable>(_ type: T.Type, _ json: Any) throws -> T {
            do {
                return try JSONDecoder().decode(T.self, from: JSONSerialization.data(withJSONObject: json))
            } catch {
                throw ModelError.badConfig(path: path, reason: "a field has the wrong type (\(error))")
            }
        }
        try Self.refuseNotYetRun(modelType: modelType, visionType: (object["vision_config"] as? [String: Any])?["model_type"] as? String,
                                 path: path)
        var towerType = modelType, tower = object
        // Qwen2.5-VL's LVLM folder keeps its tower under `visual.`; the family finds that prefix itself.
        let qwen = modelType == "qwen2_5_vl"
        if modelType == "clip" || modelType == "siglip" || qwen || LVLMSpec.towerDefaults[modelType] != nil {
            guard let vision = object["vision_config"] as? [String: Any] else {
                throw ModelError.badConfig(path: path, reason: "model_type '\(modelType)' needs a vision_config object describing its vision tower")
            }
            tower = vision
            towerType = qwen ? "qwen2_5_vl_vision"
                : vision["model_type"] as? String ?? LVLMSpec.towerDefaults[modelType] ?? (modelType == "siglip" ? "siglip_vision_model" : "clip_vision_model")
        }
        switch towerType {
        case "dinov2": return .dinov2(try decode(Dinov2Config.self, tower))
        case "vit": return .vit(try decode(ViTConfig.self, tower))
        case "clip_vision_model": return .clipVision(try decode(CLIPVisionConfig.self, tower))
        case "siglip_vision_model": return .siglipVision(try decode(SiglipVisionConfig.self, tower))
        case "dinov2_with_registers": return .dinov2WithRegisters(try decode(Dinov2WithRegistersConfig.self, tower))
        case "internvl_vision": return .internVLVision(try decode(InternVLVisionConfig.self, tower))
        case "dinov3_vit": return .dinov3ViT(try decode(DINOv3ViTConfig.self, tower))
        case "qwen2_5_vl_vision": return .qwen2_5_VLVision(try decode(Qwen2_5_VLVisionConfig.self, tower))
        default: throw ModelError.unsupportedArchitecture(path: path, modelType: towerType)
        }
    }

    /// The LVLM keys of a config.json's contents, nil when its `model_type` is a bare tower.
    /// - Parameters: json: the file's bytes; source: its path, for messages.
    /// - Throws: `ModelError.badConfig` naming `source`.
    public static func lvlm(json: Data, source path: String) throws -> LVLMSpec? {
        let object = try configObject(json: json, source: path)
        let modelType = object["model_type"] as! String
        guard LVLMSpec.towerDefaults[modelType] != nil else { return nil }
        return try LVLMSpec(family: modelType, object: object, path: path)
    }

    /// config.json as a JSON object with a string `model_type`.
    private static func configObject(json data: Data, source path: String) throws -> [String: Any] {
        guard data.count < 10_000_000,
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw ModelError.badConfig(path: path, reason: "it is not a JSON object")
        }
        guard object["model_type"] is String else {
            throw ModelError.badConfig(path: path, reason: "it has no model_type")
        }
        return object
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
