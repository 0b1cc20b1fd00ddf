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
        let d = config.hiddenSize, c = config.numChannels, p = config.patchSize, i = config.mlpRatio * d
        let grid = config.imageSize / p
        let spec = TransformerSpec(
            architecture: "Dinov2Model", hiddenSize: d, heads: config.numAttentionHeads, layers: config.numHiddenLayers,
            intermediateSize: i, patchSize: p, imageSize: config.imageSize, channels: c,
            layerNormEps: config.layerNormEps, activation: try Activation(hfName: config.hiddenAct, source: weights.source),
            interpolatesPositions: true, prefixTokens: 1)
        try spec.validate(source: weights.source)
        let root = weights.prefix(forAnchor: "embeddings.cls_token", candidates: ["", "dinov2."]) ?? ""

        let embeddings = try EmbeddingWeights.huggingFace(weights, root: root, width: d, channels: c, patch: p, grid: grid)

        let blocks = try (0..<config.numHiddenLayers).map { l -> EncoderBlockWeights in
            let b = root + "encoder.layer.\(l)."
            let a = b + "attention.attention."
            return EncoderBlockWeights(
                norm1: try weights.layerNorm(b + "norm1", width: d),
                qkv: try weights.stackedQKV(query: a + "query", key: a + "key", value: a + "value", width: d, bias: config.qkvBias),
                attentionOutput: try weights.linear(b + "attention.output.dense", outputs: d, inputs: d),
                layerScale1: try weights.tensor(b + "layer_scale1.lambda1", shape: [d]),
                norm2: try weights.layerNorm(b + "norm2", width: d),
                fc1: try weights.linear(b + "mlp.fc1", outputs: i, inputs: d),
                fc2: try weights.linear(b + "mlp.fc2", outputs: d, inputs: i),
                layerScale2: try weights.tensor(b + "layer_scale2.lambda1", shape: [d]))
        }
        return VisionTransformer(
            spec: spec, embeddings: embeddings, blocks: blocks, finalNorm: try weights.layerNorm(root + "layernorm", width: d))
    }
}
