/// HF `SiglipVisionConfig` (model_type "siglip_vision_model", or the `vision_config` of "siglip",
/// "paligemma" and "llava_onevision"), with HF's defaults.
public struct SiglipVisionConfig: Codable, Sendable, Equatable {
    public var hiddenSize = 768
    public var numHiddenLayers = 12
    public var numAttentionHeads = 12
    public var intermediateSize = 3072
    public var hiddenAct = "gelu_pytorch_tanh"
    public var layerNormEps: Float = 1e-6
    public var imageSize = 224
    public var patchSize = 16
    public var numChannels = 3
    /// Whether the attention-pooling head exists (its output is captured as `pooled`).
    public var visionUseHead = true

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads", intermediateSize = "intermediate_size"
        case hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps", imageSize = "image_size"
        case patchSize = "patch_size", numChannels = "num_channels", visionUseHead = "vision_use_head"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? hiddenSize
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? numHiddenLayers
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? numAttentionHeads
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? intermediateSize
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? hiddenAct
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? layerNormEps
        imageSize = try c.decodeIfPresent(SquareSize.self, forKey: .imageSize)?.side ?? imageSize
        patchSize = try c.decodeIfPresent(SquareSize.self, forKey: .patchSize)?.side ?? patchSize
        numChannels = try c.decodeIfPresent(Int.self, forKey: .numChannels) ?? numChannels
        visionUseHead = try c.decodeIfPresent(Bool.self, forKey: .visionUseHead) ?? visionUseHead
    }
}

/// An HF size that is an int or a square `[h, w]` pair (`image_size: [448, 448]`).
struct SquareSize: Codable, Sendable, Equatable {
    var side: Int

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self) {
            side = n
            return
        }
        let pair = try c.decode([Int].self)
        guard pair.count == 2, pair[0] == pair[1] else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "a size \(pair) must be square (SinkScope runs square inputs)")
        }
        side = pair[0]
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(side)
    }
}
