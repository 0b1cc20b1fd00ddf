/// HF `DINOv3ViTConfig` (model_type "dinov3_vit"): the keys of a DINOv3 ViT `config.json`, with
/// HF's defaults (ViT-S/16) for keys a file leaves out. The training-only position augmentations
/// (`pos_embed_shift`, `pos_embed_jitter`, `pos_embed_rescale`) act only in training mode and are ignored.
public struct DINOv3ViTConfig: Codable, Sendable, Equatable {
    public var hiddenSize = 384
    public var intermediateSize = 1536
    public var numHiddenLayers = 12
    public var numAttentionHeads = 6
    public var hiddenAct = "gelu"
    public var layerNormEps: Float = 1e-5
    public var ropeTheta: Float = 100
    public var imageSize = 224
    public var patchSize = 16
    public var numChannels = 3
    public var queryBias = true
    public var keyBias = false
    public var valueBias = true
    public var projBias = true
    public var mlpBias = true
    public var useGatedMlp = false
    public var numRegisterTokens = 0
    public var modelType = "dinov3_vit"

    public init() {}

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
        case ropeTheta = "rope_theta", imageSize = "image_size", patchSize = "patch_size", numChannels = "num_channels"
        case queryBias = "query_bias", keyBias = "key_bias", valueBias = "value_bias", projBias = "proj_bias"
        case mlpBias = "mlp_bias", useGatedMlp = "use_gated_mlp", numRegisterTokens = "num_register_tokens"
        case modelType = "model_type"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            value = try c.decodeIfPresent(T.self, forKey: key) ?? value
        }
        try read(.hiddenSize, &hiddenSize)
        try read(.intermediateSize, &intermediateSize)
        try read(.numHiddenLayers, &numHiddenLayers)
        try read(.numAttentionHeads, &numAttentionHeads)
        try read(.hiddenAct, &hiddenAct)
        try read(.layerNormEps, &layerNormEps)
        try read(.ropeTheta, &ropeTheta)
        try read(.imageSize, &imageSize)
        try read(.patchSize, &patchSize)
        try read(.numChannels, &numChannels)
        try read(.queryBias, &queryBias)
        try read(.keyBias, &keyBias)
        try read(.valueBias, &valueBias)
        try read(.projBias, &projBias)
        try read(.mlpBias, &mlpBias)
        try read(.useGatedMlp, &useGatedMlp)
        try read(.numRegisterTokens, &numRegisterTokens)
        try read(.modelType, &modelType)
    }
}
