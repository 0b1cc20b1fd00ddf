/// ViT (HF `ViTModel`): CLS token, learned position embeddings at the trained size, pre-LN blocks,
/// exact GELU, a final `layernorm`. Parameter names as HF writes them:
///
///     embeddings.cls_token                                   [1, 1, D]
///     embeddings.position_embeddings                         [1, 1 + G0², D]
///     embeddings.patch_embeddings.projection.{weight,bias}   [D, C, P, P], [D]
///     encoder.layer.{i}.layernorm_before.{weight,bias}
///     encoder.layer.{i}.attention.attention.{query,key,value}.{weight,bias}
///     encoder.layer.{i}.attention.output.dense.{weight,bias}
///     encoder.layer.{i}.layernorm_after.{weight,bias}
///     encoder.layer.{i}.intermediate.dense.{weight,bias}     [I, D]
///     encoder.layer.{i}.output.dense.{weight,bias}           [D, I]
///     layernorm.{weight,bias}
///
/// The pooler (if present) is not used. A classification checkpoint's `vit.` prefix is accepted.
extension VisionTransformer {
    public static func vit(config: ViTConfig, weights: ModelWeights) throws -> VisionTransformer {
        let root = weights.prefix(forAnchor: "embeddings.cls_token", candidates: ["", "vit."]) ?? ""
        return try VisionTransformer(description: try config.description(source: weights.source), weights: weights, map: .vit(root: root))
    }
}

extension ViTConfig {
    /// ViT as a block description: one CLS token, absolute learned positions, LayerNorm, plain MLP,
    /// no layer scale, optional q/k/v biases, a final LayerNorm.
    public func description(source: String) throws -> ArchitectureDescription {
        let norm = Norm(.layerNorm, eps: layerNormEps)
        return ArchitectureDescription(
            architecture: "ViTModel", hiddenSize: hiddenSize, heads: numAttentionHeads, layers: numHiddenLayers,
            intermediateSize: intermediateSize, patchSize: patchSize, imageSize: imageSize, channels: numChannels,
            embedding: EmbeddingDescription(patch: .conv2d(bias: true), prefix: .cls, positions: .absolute),
            block: BlockDescription(
                norm: norm, activation: try Activation(hfName: hiddenAct, source: source),
                biases: BlockBiases(qkv: qkvBias, attentionOutput: true, mlp: true)),
            finalNorm: norm)
    }
}

extension WeightMap {
    /// HF's `ViTModel` names under `root` ("" or "vit.").
    public static func vit(root: String) -> WeightMap {
        WeightMap { name in
            switch name {
            case .embed(let e): return .huggingFaceEmbedding(e, root: root)
            case .block(let i, let parameter, let part):
                let b = root + "encoder.layer.\(i).", p = "." + part.rawValue
                switch parameter {
                case .norm1: return CheckpointTensor(b + "layernorm_before" + p)
                case .query: return CheckpointTensor(b + "attention.attention.query" + p)
                case .key: return CheckpointTensor(b + "attention.attention.key" + p)
                case .value: return CheckpointTensor(b + "attention.attention.value" + p)
                case .attentionOutput: return CheckpointTensor(b + "attention.output.dense" + p)
                case .norm2: return CheckpointTensor(b + "layernorm_after" + p)
                case .fc1: return CheckpointTensor(b + "intermediate.dense" + p)
                case .fc2: return CheckpointTensor(b + "output.dense" + p)
                case .layerScale1, .layerScale2, .queryNorm, .keyNorm, .gate: return nil
                }
            case .finalNorm(let part): return CheckpointTensor(root + "layernorm." + part.rawValue)
            }
        }
    }
}
