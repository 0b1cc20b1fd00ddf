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
        let d = config.hiddenSize, c = config.numChannels, p = config.patchSize, i = config.intermediateSize
        let grid = config.imageSize / p
        let spec = TransformerSpec(
            architecture: "ViTModel", hiddenSize: d, heads: config.numAttentionHeads, layers: config.numHiddenLayers,
            intermediateSize: i, patchSize: p, imageSize: config.imageSize, channels: c,
            layerNormEps: config.layerNormEps, activation: try Activation(hfName: config.hiddenAct, source: weights.source),
            interpolatesPositions: false, prefixTokens: 1)
        try spec.validate(source: weights.source)
        let root = weights.prefix(forAnchor: "embeddings.cls_token", candidates: ["", "vit."]) ?? ""

        let embeddings = try EmbeddingWeights.huggingFace(weights, root: root, width: d, channels: c, patch: p, grid: grid)

        let blocks = try (0..<config.numHiddenLayers).map { l -> EncoderBlockWeights in
            let b = root + "encoder.layer.\(l)."
            let a = b + "attention.attention."
            return EncoderBlockWeights(
                norm1: try weights.layerNorm(b + "layernorm_before", width: d),
                qkv: try weights.stackedQKV(query: a + "query", key: a + "key", value: a + "value", width: d, bias: config.qkvBias),
                attentionOutput: try weights.linear(b + "attention.output.dense", outputs: d, inputs: d),
                layerScale1: nil,
                norm2: try weights.layerNorm(b + "layernorm_after", width: d),
                fc1: try weights.linear(b + "intermediate.dense", outputs: i, inputs: d),
                fc2: try weights.linear(b + "output.dense", outputs: d, inputs: i),
                layerScale2: nil)
        }
        return VisionTransformer(
            spec: spec, embeddings: embeddings, blocks: blocks, finalNorm: try weights.layerNorm(root + "layernorm", width: d))
    }
}
