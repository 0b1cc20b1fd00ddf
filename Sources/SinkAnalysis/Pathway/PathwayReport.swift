import Support
import Foundation

/// Everything `sinkscope pathway` finds about ViT sinks inside the LLM of an LVLM store; written
/// as `pathway.json`. Shares are fractions of an LLM layer's attention (received ÷ query rows).
public struct PathwayReport: Sendable, Codable, Equatable {
    public var store: String
    /// The LVLM's name, its ViT layer, P and the patch grid.
    public var lvlm: String
    public var vitLayer: Int
    public var images: Int
    public var visualTokens: Int
    public var grid: [Int]
    /// The ViT sink definition and what it found on the ViT layer.
    public var vitMethod: String
    public var vitParameters: [String: String]
    public var vitThreshold: Double?
    public var vitSinks: CountSummary
    /// The LLM sink criterion (massive activations) and the LLM-emerged sinks it found at any layer.
    public var llmCriterion: [String: String]
    public var emergedSinks: CountSummary
    /// Per LLM layer with attention: shares by group, ratios and the norm–attention correlation.
    public var attention: [LayerAttentionShares]
    /// Mean share by ViT-norm quantile bucket (nil without LLM attention).
    public var normBuckets: NormBuckets?
    /// Per LLM hidden layer: massive dimensions split into propagated and emerged.
    public var dimensions: [LLMSinkLayer]
    public var dimensionSplit: LLMSinkDimensionSplit
    /// A few images' relevance maps.
    public var relevance: [RelevanceMap]
    /// Sentences worth reading with the numbers (no sinks, missing arrays, ...).
    public var notes: [String]
    /// P, the ViT patches on `grid` (`visualTokens` is K, the LLM's visual tokens), and how tokens merge patches.
    public var vitPatches: Int?
    public var tokenMerge: String?
    /// LLM visual tokens fed by at least one ViT sink patch, per image; tokens per image that no patch feeds.
    public var sinkFedTokens: CountSummary?
    public var unfedTokens: Int?
    /// Per image, which LLM visual tokens ViT sinks feed and through which patches.
    public var sinkFeeding: [SinkFeeding]?
    /// The logit lens of a few images: words of sink-fed tokens next to those of ordinary tokens.
    public var decodedWords: [DecodedGallery]?

    enum CodingKeys: String, CodingKey {
        case store, lvlm, images, grid, attention, dimensions, relevance, notes
        case vitLayer = "vit_layer"
        case visualTokens = "visual_tokens"
        case vitMethod = "vit_method"
        case vitParameters = "vit_parameters"
        case vitThreshold = "vit_threshold"
        case vitSinks = "vit_sinks"
        case llmCriterion = "llm_criterion"
        case emergedSinks = "emerged_sinks"
        case normBuckets = "norm_buckets"
        case dimensionSplit = "dimension_split"
        case vitPatches = "vit_patches"
        case tokenMerge = "token_merge"
        case sinkFedTokens = "sink_fed_tokens"
        case unfedTokens = "unfed_tokens"
        case sinkFeeding = "sink_feeding"
        case decodedWords = "decoded_words"
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> String {
        let encoder = JSONCoding.encoder()
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Reads `pathway.json`.
    public static func read(_ url: URL) throws -> PathwayReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(PathwayReport.self, from: Data(contentsOf: url))
    }
}
