/// HF `CLIPVisionConfig` (model_type "clip_vision_model", or the `vision_config` of a "clip" config),
/// with HF's defaults.
public struct CLIPVisionConfig: Codable, Sendable, Equatable {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "quick_gelu"
    public var layerNormEps: Float = 1e-5
    public var imageSize = 224
    public var patchSize = 32
    public var numChannels = 3
    public var modelType = "clip_vision_model"

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", imageSize = "image_size"
        case patchSize = "patch_size", numChannels = "num_channels", modelType = "model_type"
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
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? modelType
    }
}
