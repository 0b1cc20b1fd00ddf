/// DINOv2 (HF `Dinov2Model`): CLS token, bicubically interpolated position embeddings, pre-LN blocks
/// with layer scale, exact GELU, a final `layernorm`. Parameter names as HF writes them:
///
///     embeddings.cls_token                                   [1, 1, D]
///     embeddings.position_embeddings                         [1, 1 + G0², D]
///     embeddings.patch_embeddings.projection.{weight,bias}   [D, C, P, P], [D]
///     encoder.layer.{i}.norm1.{weight,bias}
///     encoder.layer.{i}.attention.attention.{query,key,value}.{weight,bias}   [D, D], [D]
///     encoder.layer.{i}.attention.output.dense.{weight,bias}
///     encoder.layer.{i}.layer_scale1.lambda1                 [D]
///     encoder.layer.{i}.norm2.{weight,bias}
///     encoder.layer.{i}.mlp.fc1.{weight,bias}                [I, D], [I]
///     encoder.layer.{i}.mlp.fc2.{weight,bias}                [D, I], [D]
///     encoder.layer.{i}.layer_scale2.lambda1                 [D]
///     layernorm.{weight,bias}
///
/// `embeddings.mask_token` (masked-image training only) is not used. A classification checkpoint's
/// `dinov2.` prefix is accepted.
extension VisionTransformer {
    public static func dinov2(config: Dinov2Config, weights: ModelWeights) throws -> VisionTransformer {
        guard !config.useSwigluFfn else {
            throw ModelError.badConfig(path: weights.source, reason: "use_swiglu_ffn (DINOv2 giant) is not supported")
        }
        let root = weights.prefix(forAnchor: "embeddings.cls_token", candidates: ["", "dinov2."]) ?? ""
        return try VisionTransformer(description: try config.description(source: weights.source), weights: weights, map: .dinov2(root: root))
    }
}

extension Dinov2Config {
    /// DINOv2 as a block description: one CLS token, interpolated learned positions, LayerNorm, plain
    /// MLP of width mlp_ratio · D, layer scale, a final LayerNorm.
    public func description(source: String) throws -> ArchitectureDescription {
        let norm = Norm(.layerNorm, eps: layerNormEps)
        return ArchitectureDescription(
            architecture: "Dinov2Model", hiddenSize: hiddenSize, heads: numAttentionHeads, layers: numHiddenLayers,
            intermediateSize: mlpRatio * hiddenSize, patchSize: patchSize, imageSize: imageSize, channels: numChannels,
            embedding: EmbeddingDescription(patch: .conv2d(bias: true), prefix: .cls, positions: .interpolated),
            block: BlockDescription(
                norm: norm, activation: try Activation(hfName: hiddenAct, source: source), layerScale: true,
                biases: BlockBiases(qkv: qkvBias, attentionOutput: true, mlp: true)),
            finalNorm: norm)
    }
}

extension WeightMap {
    /// HF's `Dinov2Model` names under `root` ("" or "dinov2.").
    public static func dinov2(root: String) -> WeightMap {
        WeightMap { name in
            switch name {
            case .embed(let e): return .huggingFaceEmbedding(e, root: root)
            case .block(let i, let parameter, let part):
                let b = root + "encoder.layer.\(i).", p = "." + part.rawValue
                switch parameter {
                case .norm1: return CheckpointTensor(b + "norm1" + p)
                case .query: return CheckpointTensor(b + "attention.attention.query" + p)
                case .key: return CheckpointTensor(b + "attention.attention.key" + p)
                case .value: return CheckpointTensor(b + "attention.attention.value" + p)
                case .attentionOutput: return CheckpointTensor(b + "attention.output.dense" + p)
                case .layerScale1: return CheckpointTensor(b + "layer_scale1.lambda1")
                case .norm2: return CheckpointTensor(b + "norm2" + p)
                case .fc1: return CheckpointTensor(b + "mlp.fc1" + p)
                case .fc2: return CheckpointTensor(b + "mlp.fc2" + p)
                case .layerScale2: return CheckpointTensor(b + "layer_scale2.lambda1")
                case .queryNorm, .keyNorm, .gate: return nil
                }
            case .finalNorm(let part): return CheckpointTensor(root + "layernorm." + part.rawValue)
            }
        }
    }
}
