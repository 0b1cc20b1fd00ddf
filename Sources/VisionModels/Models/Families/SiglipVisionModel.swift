/// SigLIP's image tower (HF `SiglipVisionModel`; the tower of SigLIP, SigLIP2 checkpoints with the
/// `siglip` architecture, PaliGemma and LLaVA-OneVision): no class token, learned positions (resized
/// bicubically off the trained grid, as HF does when asked with `interpolate_pos_encoding=True`; without
/// it HF cannot run another size at all), pre-LN blocks with gelu_pytorch_tanh, `post_layernorm` over every token (HF's
/// `last_hidden_state`), and an attention-pooling head whose output is captured as `pooled`.
/// Parameter names as HF writes them (under `vision_model.` in a full `SiglipModel`):
///
///     embeddings.patch_embedding.{weight,bias}               [D, C, P, P], [D]
///     embeddings.position_embedding.weight                   [G0², D]
///     encoder.layers.{i}.layer_norm1.{weight,bias}
///     encoder.layers.{i}.self_attn.{q,k,v,out}_proj.{weight,bias}
///     encoder.layers.{i}.layer_norm2.{weight,bias}
///     encoder.layers.{i}.mlp.fc1.{weight,bias}               [I, D]
///     encoder.layers.{i}.mlp.fc2.{weight,bias}               [D, I]
///     post_layernorm.{weight,bias}
///     head.probe [1, 1, D], head.attention.in_proj_{weight,bias} [3D, D], head.attention.out_proj.*,
///     head.layernorm.*, head.mlp.fc1.*, head.mlp.fc2.*      (the pooling head)
///
/// NaFlex `siglip2` (variable resolution, its own patch embedding) is not supported.
extension VisionTransformer {
    public static func siglipVision(config: SiglipVisionConfig, weights: ModelWeights) throws -> VisionTransformer {
        let root = weights.prefix(forAnchor: "embeddings.patch_embedding.weight", candidates: ["vision_model.", ""]) ?? "vision_model."
        var model = try VisionTransformer(
            description: try config.description(source: weights.source), weights: weights, map: .siglipVision(root: root))
        if config.visionUseHead {
            model.poolingHead = try AttentionPoolWeights(
                weights: weights, root: root + "head.", width: config.hiddenSize, mlpWidth: config.intermediateSize,
                eps: config.layerNormEps)
        }
        return model
    }
}

extension SiglipVisionConfig {
    /// SigLIP vision as a block description: no prefix tokens, absolute learned positions, LayerNorm,
    /// plain MLP, no layer scale, a final LayerNorm (`post_layernorm`) over every token.
    public func description(source: String) throws -> ArchitectureDescription {
        let norm = Norm(.layerNorm, eps: layerNormEps)
        return ArchitectureDescription(
            architecture: "SiglipVisionModel", hiddenSize: hiddenSize, heads: numAttentionHeads, layers: numHiddenLayers,
            intermediateSize: intermediateSize, patchSize: patchSize, imageSize: imageSize, channels: numChannels,
            embedding: EmbeddingDescription(patch: .conv2d(bias: true), prefix: .none, positions: .interpolated),
            block: BlockDescription(norm: norm, activation: try Activation(hfName: hiddenAct, source: source)),
            finalNorm: norm)
    }
}

extension WeightMap {
    /// HF's `SiglipVisionModel` names under `root` ("vision_model." or "").
    public static func siglipVision(root: String) -> WeightMap {
        let clip = WeightMap.clipVision(root: root)
        return WeightMap { name in
            switch name {
            case .embed(.cls), .embed(.preNorm), .embed(.registers): return nil
            case .finalNorm(let part): return CheckpointTensor(root + "post_layernorm." + part.rawValue)
            default: return clip.tensor(name)   // same names as CLIP for patches, positions and blocks
            }
        }
    }
}
