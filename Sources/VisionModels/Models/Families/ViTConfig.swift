/// HF `ViTConfig` (model_type "vit"): the keys of a ViT `config.json`, with HF's defaults.
public struct ViTConfig: Codable, Sendable, Equatable {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu"
    public var layerNormEps: Float = 1e-12
    public var imageSize = 224
    public var patchSize = 16
    public var numChannels = 3
    public var qkvBias = true
    public var modelType = "vit"
    public var architectures = ["ViTModel"]

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", imageSize = "image_size"
        case patchSize = "patch_size", numChannels = "num_channels", qkvBias = "qkv_bias"
        case modelType = "model_type", architectures
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? intermediateSize
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? hiddenAct
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? layerNormEps
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? imageSize
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? patchSize
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? numChannels
        qkvBias = try c.decodeIfPresent(Bool.self, forKey: .qkvBias) ?? qkvBias
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? modelType
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures) ?? architectures
    }
}
