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
        let d = config.hiddenSize, c = config.numChannels, p = config.patchSize, i = config.intermediateSize
        let grid = config.imageSize / p
        let spec = TransformerSpec(
            architecture: "CLIPVisionModel", hiddenSize: d, heads: config.numAttentionHeads,
            layers: config.numHiddenLayers, intermediateSize: i, patchSize: p, imageSize: config.imageSize, channels: c,
            layerNormEps: config.layerNormEps, activation: try Activation(hfName: config.hiddenAct, source: weights.source),
            interpolatesPositions: false, prefixTokens: 1)
        try spec.validate(source: weights.source)
        let root = weights.prefix(forAnchor: "embeddings.class_embedding", candidates: ["vision_model.", ""]) ?? "vision_model."

        let embeddings = EmbeddingWeights(
            cls: try weights.tensor(root + "embeddings.class_embedding", shape: [d]),
            patch: LinearWeights(
                weight: try weights.tensor(root + "embeddings.patch_embedding.weight", shape: [d, c, p, p]),
                bias: nil, outputs: d, inputs: c * p * p),
            positions: try weights.tensor(root + "embeddings.position_embedding.weight", shape: [1 + grid * grid, d]),
            positionGrid: grid, preNorm: try weights.layerNorm(root + "pre_layrnorm", width: d))

        let blocks = try (0..<config.numHiddenLayers).map { l -> EncoderBlockWeights in
            let b = root + "encoder.layers.\(l)."
            return EncoderBlockWeights(
                norm1: try weights.layerNorm(b + "layer_norm1", width: d),
                qkv: try weights.stackedQKV(
                    query: b + "self_attn.q_proj", key: b + "self_attn.k_proj", value: b + "self_attn.v_proj", width: d, bias: true),
                attentionOutput: try weights.linear(b + "self_attn.out_proj", outputs: d, inputs: d),
                layerScale1: nil,
                norm2: try weights.layerNorm(b + "layer_norm2", width: d),
                fc1: try weights.linear(b + "mlp.fc1", outputs: i, inputs: d),
                fc2: try weights.linear(b + "mlp.fc2", outputs: d, inputs: i),
                layerScale2: nil)
        }
        return VisionTransformer(spec: spec, embeddings: embeddings, blocks: blocks, finalNorm: nil)
    }
}
