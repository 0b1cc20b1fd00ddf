/// HF `Qwen2_5_VLVisionConfig`: the vision tower of Qwen2.5-VL, from a tower's own `config.json`
/// (model_type "qwen2_5_vl_vision") or the `vision_config` of a Qwen2.5-VL checkpoint (model_type
/// "qwen2_5_vl"), with HF's defaults for keys a file leaves out. The hub's older key names are
/// accepted too (`in_chans` for `in_channels`, `rope_theta` outside `rope_parameters`).
public struct Qwen2_5_VLVisionConfig: Codable, Sendable, Equatable {
    public var depth = 32
    public var hiddenSize = 3584
    public var hiddenAct = "silu"
    public var intermediateSize = 3420
    public var numHeads = 16
    public var inChannels = 3
    public var patchSize = 14
    public var spatialMergeSize = 2
    public var temporalPatchSize = 2
    /// Window side in pixels (112 = 8 patches of 14 = 4 merge units).
    public var windowSize = 112
    /// D_llm: the width of the merger's output, what the LLM receives.
    public var outHiddenSize = 3584
    public var fullattBlockIndexes = [7, 15, 23, 31]
    public var ropeTheta: Float = 10_000

    public init() {}

    enum CodingKeys: String, CodingKey {
        case depth, hiddenSize = "hidden_size", hiddenAct = "hidden_act", intermediateSize = "intermediate_size"
        case numHeads = "num_heads", inChannels = "in_channels", inChans = "in_chans", patchSize = "patch_size"
        case spatialMergeSize = "spatial_merge_size", temporalPatchSize = "temporal_patch_size", windowSize = "window_size"
        case outHiddenSize = "out_hidden_size", fullattBlockIndexes = "fullatt_block_indexes"
        case ropeParameters = "rope_parameters", ropeTheta = "rope_theta"
    }

    struct RopeParameters: Codable { var ropeTheta: Float?; enum CodingKeys: String, CodingKey { case ropeTheta = "rope_theta" } }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func read<T: Decodable>(_ key: CodingKeys, _ value: inout T) throws {
            value = try c.decodeIfPresent(T.self, forKey: key) ?? value
        }
        try read(.depth, &depth)
        try read(.hiddenSize, &hiddenSize)
        try read(.hiddenAct, &hiddenAct)
        try read(.intermediateSize, &intermediateSize)
        try read(.numHeads, &numHeads)
        try read(.inChans, &inChannels)
        try read(.inChannels, &inChannels)
        try read(.patchSize, &patchSize)
        try read(.spatialMergeSize, &spatialMergeSize)
        try read(.temporalPatchSize, &temporalPatchSize)
        try read(.windowSize, &windowSize)
        try read(.outHiddenSize, &outHiddenSize)
        try read(.fullattBlockIndexes, &fullattBlockIndexes)
        try read(.ropeTheta, &ropeTheta)
        if let rope = try c.decodeIfPresent(RopeParameters.self, forKey: .ropeParameters), let theta = rope.ropeTheta { ropeTheta = theta }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(depth, forKey: .depth)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHeads, forKey: .numHeads)
        try c.encode(inChannels, forKey: .inChannels)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(spatialMergeSize, forKey: .spatialMergeSize)
        try c.encode(temporalPatchSize, forKey: .temporalPatchSize)
        try c.encode(windowSize, forKey: .windowSize)
        try c.encode(outHiddenSize, forKey: .outHiddenSize)
        try c.encode(fullattBlockIndexes, forKey: .fullattBlockIndexes)
        try c.encode(ropeTheta, forKey: .ropeTheta)
    }
}
