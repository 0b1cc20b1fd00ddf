/// HF `Dinov2WithRegistersConfig` (model_type "dinov2_with_registers"): DINOv2's keys plus
/// `num_register_tokens`, with HF's defaults.
public struct Dinov2WithRegistersConfig: Decodable, Sendable, Equatable {
    public var base: Dinov2Config
    public var numRegisterTokens = 4

    enum CodingKeys: String, CodingKey {
        case numRegisterTokens = "num_register_tokens", imageSize = "image_size", patchSize = "patch_size"
    }

    public init(from decoder: Decoder) throws {
        base = try Dinov2Config(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        numRegisterTokens = try c.decodeIfPresent(Int.self, forKey: .numRegisterTokens) ?? numRegisterTokens
        base.imageSize = try c.decodeIfPresent(SquareSize.self, forKey: .imageSize)?.side ?? 224
        base.patchSize = try c.decodeIfPresent(SquareSize.self, forKey: .patchSize)?.side ?? 16
    }
}

/// DINOv2 with registers (HF `Dinov2WithRegistersModel`, Darcet et al. 2023): DINOv2 plus R register
/// tokens after the class token, which get no position embedding. Names as DINOv2's, plus
///
///     embeddings.register_tokens                             [1, R, D]
extension Dinov2WithRegistersConfig {
    /// DINOv2's description with R registers after the class token.
    public func description(source: String) throws -> ArchitectureDescription {
        var spec = try base.description(source: source)
        spec.architecture = "Dinov2WithRegistersModel"
        spec.embedding.prefix = PrefixTokens(cls: 1, registers: numRegisterTokens)
        // HF's Dinov2WithRegistersEmbeddings interpolates with antialias=True, unlike Dinov2's.
        spec.embedding.positions = .interpolatedAntialiased
        return spec
    }
}

extension VisionTransformer {
    public static func dinov2WithRegisters(config: Dinov2WithRegistersConfig, weights: ModelWeights) throws -> VisionTransformer {
        guard !config.base.useSwigluFfn else {
            throw ModelError.badConfig(path: weights.source, reason: "use_swiglu_ffn (DINOv2 giant) is not supported")
        }
        let root = weights.prefix(forAnchor: "embeddings.cls_token", candidates: ["", "dinov2_with_registers."]) ?? ""
        let spec = try config.description(source: weights.source)
        let dinov2 = WeightMap.dinov2(root: root)
        let map = WeightMap { name in
            name == .embed(.registers) ? CheckpointTensor(root + "embeddings.register_tokens", leadingOnes: 1) : dinov2.tensor(name)
        }
        return try VisionTransformer(description: spec, weights: weights, map: map)
    }
}
