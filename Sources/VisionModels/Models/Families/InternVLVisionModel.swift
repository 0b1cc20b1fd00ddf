/// HF `InternVLVisionConfig` (model_type "internvl_vision", the `vision_config` of "internvl"), with HF's defaults.
public struct InternVLVisionConfig: Decodable, Sendable, Equatable {
    public var hiddenSize = 1024
    public var numHiddenLayers = 24
    public var numAttentionHeads = 16
    public var intermediateSize = 4096
    public var hiddenAct = "gelu"
    public var layerNormEps: Float = 1e-6
    public var imageSize = 448
    public var patchSize = 14
    public var numChannels = 3
    public var attentionBias = false
    public var useQKNorm = false
    /// "layer_norm" or "rms_norm".
    public var normType = "layer_norm"
    public var useAbsolutePositionEmbeddings = true
    /// True: no final norm (`layernorm` is Identity).
    public var useMeanPooling = true

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case intermediateSize = "intermediate_size", hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
        case imageSize = "image_size", patchSize = "patch_size", numChannels = "num_channels"
        case attentionBias = "attention_bias", useQKNorm = "use_qk_norm", normType = "norm_type"
        case useAbsolutePositionEmbeddings = "use_absolute_position_embeddings", useMeanPooling = "use_mean_pooling"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? intermediateSize
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? hiddenAct
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? layerNormEps
        imageSize = try c.decodeIfPresent(SquareSize.self, forKey: .imageSize)?.side ?? imageSize
        patchSize = try c.decodeIfPresent(SquareSize.self, forKey: .patchSize)?.side ?? patchSize
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? numChannels
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? attentionBias
        useQKNorm = try c.decodeIfPresent(Bool.self, forKey: .useQKNorm) ?? useQKNorm
        normType = try c.decodeIfPresent(String.self, forKey: .normType) ?? normType
        useAbsolutePositionEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .useAbsolutePositionEmbeddings) ?? true
        useMeanPooling = try c.decodeIfPresent(Bool.self, forKey: .useMeanPooling) ?? useMeanPooling
    }
}

/// InternViT (HF `InternVLVisionModel`, e.g. InternViT-300M-448px-V2.5): a class token, learned
/// positions (bicubically resized off the trained grid), pre-norm blocks with LayerNorm or RMSNorm and
/// layer scale, RMSNorm on q and k over all D channels when `use_qk_norm`, a final LayerNorm unless
/// `use_mean_pooling`. Names as HF writes them:
///
///     embeddings.cls_token [1, 1, D], embeddings.position_embeddings [1, 1 + G0², D]
///     embeddings.patch_embeddings.projection.{weight,bias}
///     encoder.layer.{i}.layernorm_before.*, encoder.layer.{i}.attention.{q,k,v}_proj.*
///     encoder.layer.{i}.attention.{q,k}_norm.weight, encoder.layer.{i}.attention.projection_layer.*
///     encoder.layer.{i}.lambda_1, .layernorm_after.*, .mlp.fc1.*, .mlp.fc2.*, .lambda_2
///     layernorm.{weight,bias}
extension VisionTransformer {
    public static func internVLVision(config: InternVLVisionConfig, weights: ModelWeights) throws -> VisionTransformer {
        guard config.useAbsolutePositionEmbeddings else {
            throw ModelError.badConfig(path: weights.source, reason: "use_absolute_position_embeddings false is not supported")
        }
        let root = weights.prefix(forAnchor: "embeddings.cls_token", candidates: ["", "vision_model."]) ?? ""
        return try VisionTransformer(
            description: try config.description(source: weights.source), weights: weights, map: .internVLVision(root: root))
    }
}

extension InternVLVisionConfig {
    public func description(source: String) throws -> ArchitectureDescription {
        let kind: NormKind
        switch normType {
        case "layer_norm": kind = .layerNorm
        case "rms_norm": kind = .rmsNorm
        default: throw ModelError.badConfig(path: source, reason: "norm_type '\(normType)' is not layer_norm or rms_norm")
        }
        let norm = Norm(kind, eps: layerNormEps)
        return ArchitectureDescription(
            architecture: "InternVLVisionModel", hiddenSize: hiddenSize, heads: numAttentionHeads, layers: numHiddenLayers,
            intermediateSize: intermediateSize, patchSize: patchSize, imageSize: imageSize, channels: numChannels,
            embedding: EmbeddingDescription(patch: .conv2d(bias: true), prefix: .cls, positions: .interpolated),
            block: BlockDescription(
                norm: norm, activation: try Activation(hfName: hiddenAct, source: source), layerScale: true,
                qkNorm: useQKNorm ? Norm(.rmsNorm, eps: 1e-6) : nil,
                biases: BlockBiases(qkv: attentionBias, attentionOutput: true, mlp: true)),
            finalNorm: useMeanPooling ? nil : Norm(.layerNorm, eps: layerNormEps))
    }
}

extension WeightMap {
    /// HF's `InternVLVisionModel` names under `root`.
    public static func internVLVision(root: String) -> WeightMap {
        WeightMap { name in
            switch name {
            case .embed(let e): return .huggingFaceEmbedding(e, root: root)
            case .block(let i, let parameter, let part):
                let b = root + "encoder.layer.\(i).", p = "." + part.rawValue
                switch parameter {
                case .norm1: return CheckpointTensor(b + "layernorm_before" + p)
                case .query: return CheckpointTensor(b + "attention.q_proj" + p)
                case .key: return CheckpointTensor(b + "attention.k_proj" + p)
                case .value: return CheckpointTensor(b + "attention.v_proj" + p)
                case .queryNorm: return CheckpointTensor(b + "attention.q_norm" + p)
                case .keyNorm: return CheckpointTensor(b + "attention.k_norm" + p)
                case .attentionOutput: return CheckpointTensor(b + "attention.projection_layer" + p)
                case .layerScale1: return CheckpointTensor(b + "lambda_1")
                case .norm2: return CheckpointTensor(b + "layernorm_after" + p)
                case .fc1: return CheckpointTensor(b + "mlp.fc1" + p)
                case .fc2: return CheckpointTensor(b + "mlp.fc2" + p)
                case .layerScale2: return CheckpointTensor(b + "lambda_2")
                case .gate: return nil
                }
            case .finalNorm(let part): return CheckpointTensor(root + "layernorm." + part.rawValue)
            }
        }
    }
}
