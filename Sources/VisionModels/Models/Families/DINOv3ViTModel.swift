/// DINOv3 ViT (HF `DINOv3ViTModel`): CLS token, then R register tokens, no learned positions but 2-D
/// RoPE on the patch tokens' q and k (centre coordinates in [-1, 1], θ = rope_theta, as HF applies
/// it at inference), pre-LN blocks with layer scale, a plain or gated MLP, a final `norm`.
/// Parameter names as HF writes them:
///
///     embeddings.cls_token                                 [1, 1, D]
///     embeddings.register_tokens                           [1, R, D]
///     embeddings.patch_embeddings.{weight,bias}            [D, C, P, P], [D]
///     layer.{i}.norm1.{weight,bias}                     (transformers' modules say model.layer.{i}; both are read)
///     layer.{i}.attention.{q,k,v}_proj.{weight,bias} [D, D], [D] (k has no bias by default)
///     layer.{i}.attention.o_proj.{weight,bias}
///     layer.{i}.layer_scale1.lambda1                 [D]
///     layer.{i}.norm2.{weight,bias}
///     layer.{i}.mlp.{gate_proj,up_proj}.{weight,bias}  [I, D] (gate only with use_gated_mlp)
///     layer.{i}.mlp.down_proj.{weight,bias}          [D, I]
///     layer.{i}.layer_scale2.lambda1                 [D]
///     norm.{weight,bias}
///
/// `embeddings.mask_token` (masked-image training only) is not used.
extension VisionTransformer {
    public static func dinov3ViT(config: DINOv3ViTConfig, weights: ModelWeights) throws -> VisionTransformer {
        let root = weights.prefix(forAnchor: "embeddings.cls_token", candidates: ["", "dinov3_vit.", "model."]) ?? ""
        // The hub and save_pretrained write `layer.{i}`; a state dict taken from the module says `model.layer.{i}`.
        let blocks = weights.contains(root + "model.layer.0.norm1.weight") ? "model.layer." : "layer."
        return try VisionTransformer(
            description: try config.description(source: weights.source), weights: weights, map: .dinov3ViT(root: root, blocks: blocks))
    }
}

extension DINOv3ViTConfig {
    /// DINOv3 as a block description: CLS + registers, rotary-2D positions over normalised patch
    /// centres, LayerNorm, plain or gated MLP of width intermediate_size, layer scale, a final LayerNorm.
    public func description(source: String) throws -> ArchitectureDescription {
        let norm = Norm(.layerNorm, eps: layerNormEps)
        guard queryBias == valueBias else {
            throw ModelError.badConfig(path: source, reason: "query_bias \(queryBias) and value_bias \(valueBias) differ (SinkScope expects them equal)")
        }
        guard hiddenSize % numAttentionHeads == 0, (hiddenSize / numAttentionHeads) % 4 == 0 else {
            throw ModelError.badConfig(path: source, reason: "the head width hidden_size / num_attention_heads must be a multiple of 4 for 2-D RoPE")
        }
        return ArchitectureDescription(
            architecture: "DINOv3ViTModel", hiddenSize: hiddenSize, heads: numAttentionHeads, layers: numHiddenLayers,
            intermediateSize: intermediateSize, patchSize: patchSize, imageSize: imageSize, channels: numChannels,
            embedding: EmbeddingDescription(
                patch: .conv2d(bias: true), prefix: PrefixTokens(cls: 1, registers: numRegisterTokens),
                positions: .rotary2D(theta: ropeTheta, coordinates: .normalizedCenter)),
            block: BlockDescription(
                norm: norm, activation: try Activation(hfName: hiddenAct, source: source), mlp: useGatedMlp ? .gated : .plain,
                layerScale: true, biases: BlockBiases(qkv: queryBias, attentionOutput: projBias, mlp: mlpBias, key: keyBias)),
            finalNorm: norm)
    }
}

extension WeightMap {
    /// HF's `DINOv3ViTModel` names under `root`, blocks under `root + blocks + "{i}."` ("layer." or "model.layer.").
    public static func dinov3ViT(root: String, blocks: String = "layer.") -> WeightMap {
        WeightMap { name in
            switch name {
            case .embed(.cls): return CheckpointTensor(root + "embeddings.cls_token", leadingOnes: 2)
            case .embed(.registers): return CheckpointTensor(root + "embeddings.register_tokens", leadingOnes: 1)
            case .embed(.patch(let part)): return CheckpointTensor(root + "embeddings.patch_embeddings." + part.rawValue)
            case .embed(.positions), .embed(.preNorm): return nil
            case .block(let i, let parameter, let part):
                let b = root + blocks + "\(i).", p = "." + part.rawValue
                switch parameter {
                case .norm1: return CheckpointTensor(b + "norm1" + p)
                case .query: return CheckpointTensor(b + "attention.q_proj" + p)
                case .key: return CheckpointTensor(b + "attention.k_proj" + p)
                case .value: return CheckpointTensor(b + "attention.v_proj" + p)
                case .attentionOutput: return CheckpointTensor(b + "attention.o_proj" + p)
                case .layerScale1: return CheckpointTensor(b + "layer_scale1.lambda1")
                case .norm2: return CheckpointTensor(b + "norm2" + p)
                case .gate: return CheckpointTensor(b + "mlp.gate_proj" + p)
                case .fc1: return CheckpointTensor(b + "mlp.up_proj" + p)
                case .fc2: return CheckpointTensor(b + "mlp.down_proj" + p)
                case .layerScale2: return CheckpointTensor(b + "layer_scale2.lambda1")
                case .queryNorm, .keyNorm: return nil
                }
            case .finalNorm(let part): return CheckpointTensor(root + "norm." + part.rawValue)
            }
        }
    }
}
