/// CLIP's image tower (HF `CLIPVisionModel`): class embedding, learned position embeddings at the
/// trained size, `pre_layrnorm` on the embeddings (HF's spelling), pre-LN blocks, quick_gelu.
/// Parameter names as HF writes them:
///
///     vision_model.embeddings.class_embedding                [D]
///     vision_model.embeddings.patch_embedding.weight         [D, C, P, P]  (no bias)
///     vision_model.embeddings.position_embedding.weight      [1 + G0², D]
///     vision_model.pre_layrnorm.{weight,bias}
///     vision_model.encoder.layers.{i}.layer_norm1.{weight,bias}
///     vision_model.encoder.layers.{i}.self_attn.{q,k,v,out}_proj.{weight,bias}
///     vision_model.encoder.layers.{i}.layer_norm2.{weight,bias}
///     vision_model.encoder.layers.{i}.mlp.fc1.{weight,bias}  [I, D]
///     vision_model.encoder.layers.{i}.mlp.fc2.{weight,bias}  [D, I]
///     vision_model.post_layernorm.{weight,bias}              (pooled CLS only; not used)
///
/// hidden.0 is the output of `pre_layrnorm`, as in HF's `hidden_states[0]`. A full `CLIPModel`
/// checkpoint works too (same names; the text tower is ignored).
extension VisionTransformer {
    public static func clipVision(config: CLIPVisionConfig, weights: ModelWeights) throws -> VisionTransformer {
        let root = weights.prefix(forAnchor: "embeddings.class_embedding", candidates: ["vision_model.", ""]) ?? "vision_model."
        return try VisionTransformer(
            description: try config.description(source: weights.source), weights: weights, map: .clipVision(root: root))
    }
}

extension CLIPVisionConfig {
    /// CLIP vision as a block description: one CLS token, absolute learned positions, a pre-norm on the
    /// embeddings, LayerNorm, plain MLP, no layer scale, no final norm over the tokens (its
    /// post_layernorm only touches the pooled CLS).
    public func description(source: String) throws -> ArchitectureDescription {
        let norm = Norm(.layerNorm, eps: layerNormEps)
        return ArchitectureDescription(
            architecture: "CLIPVisionModel", hiddenSize: hiddenSize, heads: numAttentionHeads, layers: numHiddenLayers,
            intermediateSize: intermediateSize, patchSize: patchSize, imageSize: imageSize, channels: numChannels,
            embedding: EmbeddingDescription(patch: .conv2d(bias: false), prefix: .cls, positions: .absolute, preNorm: norm),
            block: BlockDescription(norm: norm, activation: try Activation(hfName: hiddenAct, source: source)),
            finalNorm: nil)
    }
}

extension WeightMap {
    /// HF's `CLIPVisionModel` names under `root` ("vision_model." or "").
    public static func clipVision(root: String) -> WeightMap {
        WeightMap { name in
            switch name {
            case .embed(let e):
                switch e {
                case .cls: return CheckpointTensor(root + "embeddings.class_embedding")
                case .patch(let part): return CheckpointTensor(root + "embeddings.patch_embedding." + part.rawValue)
                case .positions: return CheckpointTensor(root + "embeddings.position_embedding.weight")
                case .preNorm(let part): return CheckpointTensor(root + "pre_layrnorm." + part.rawValue)
                case .registers: return nil
                }
            case .block(let i, let parameter, let part):
                let b = root + "encoder.layers.\(i).", p = "." + part.rawValue
                switch parameter {
                case .norm1: return CheckpointTensor(b + "layer_norm1" + p)
                case .query: return CheckpointTensor(b + "self_attn.q_proj" + p)
                case .key: return CheckpointTensor(b + "self_attn.k_proj" + p)
                case .value: return CheckpointTensor(b + "self_attn.v_proj" + p)
                case .attentionOutput: return CheckpointTensor(b + "self_attn.out_proj" + p)
                case .norm2: return CheckpointTensor(b + "layer_norm2" + p)
                case .fc1: return CheckpointTensor(b + "mlp.fc1" + p)
                case .fc2: return CheckpointTensor(b + "mlp.fc2" + p)
                case .layerScale1, .layerScale2, .queryNorm, .keyNorm, .gate: return nil
                }
            case .finalNorm: return nil
            }
        }
    }
}
