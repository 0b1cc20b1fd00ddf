/// HF `Dinov2Config` (model_type "dinov2"): the keys of a DINOv2 `config.json`, with HF's defaults
/// for keys a file leaves out.
public struct Dinov2Config: Codable, Sendable, Equatable {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var mlpRatio = 4
    public var hiddenAct = "gelu"
    public var layerNormEps: Float = 1e-6
    /// The size the position embeddings were trained at; other input sizes interpolate them.
    public var imageSize = 518
    public var patchSize = 14
    public var numChannels = 3
    public var qkvBias = true
    public var layerscaleValue: Float = 1.0
    public var useSwigluFfn = false
    public var modelType = "dinov2"
    public var architectures = ["Dinov2Model"]

    public init(hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int, imageSize: Int, patchSize: Int,
                layerNormEps: Float) {
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.imageSize = imageSize
        self.patchSize = patchSize
        self.layerNormEps = layerNormEps
    }

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", mlpRatio = "mlp_ratio", hiddenAct = "hidden_act"
        case layerNormEps = "layer_norm_eps", imageSize = "image_size", patchSize = "patch_size"
        case numChannels = "num_channels", qkvBias = "qkv_bias", layerscaleValue = "layerscale_value"
        case useSwigluFfn = "use_swiglu_ffn", modelType = "model_type", architectures
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        mlpRatio = try c.decodeIfPresent(Int.self, forKey: .mlpRatio) ?? mlpRatio
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? hiddenAct
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? layerNormEps
        imageSize = try c.decodeIfPresent(Int.self, forKey: .imageSize) ?? imageSize
        patchSize = try c.decodeIfPresent(Int.self, forKey: .patchSize) ?? patchSize
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? numChannels
        qkvBias = try c.decodeIfPresent(Bool.self, forKey: .qkvBias) ?? qkvBias
        layerscaleValue = try c.decodeIfPresent(Float.self, forKey: .layerscaleValue) ?? layerscaleValue
        useSwigluFfn = try c.decodeIfPresent(Bool.self, forKey: .useSwigluFfn) ?? useSwigluFfn
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType) ?? modelType
        architectures = try c.decodeIfPresent([String].self, forKey: .architectures) ?? architectures
    }
}
