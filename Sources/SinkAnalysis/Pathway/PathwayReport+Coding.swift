import Foundation

// Every key of pathway.json is snake_case. `CountSummary` is shared with other outputs that keep
// its camelCase keys, so the pathway report writes its counts through `SnakeCaseCounts`.
extension PathwayReport {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        store = try c.decode(String.self, forKey: .store)
        lvlm = try c.decode(String.self, forKey: .lvlm)
        vitLayer = try c.decode(Int.self, forKey: .vitLayer)
        images = try c.decode(Int.self, forKey: .images)
        visualTokens = try c.decode(Int.self, forKey: .visualTokens)
        grid = try c.decode([Int].self, forKey: .grid)
        vitMethod = try c.decode(String.self, forKey: .vitMethod)
        vitParameters = try c.decode([String: String].self, forKey: .vitParameters)
        vitThreshold = try c.decodeIfPresent(Double.self, forKey: .vitThreshold)
        vitSinks = try c.decode(SnakeCaseCounts.self, forKey: .vitSinks).counts
        llmCriterion = try c.decode([String: String].self, forKey: .llmCriterion)
        emergedSinks = try c.decode(SnakeCaseCounts.self, forKey: .emergedSinks).counts
        attention = try c.decode([LayerAttentionShares].self, forKey: .attention)
        normBuckets = try c.decodeIfPresent(NormBuckets.self, forKey: .normBuckets)
        dimensions = try c.decode([LLMSinkLayer].self, forKey: .dimensions)
        dimensionSplit = try c.decode(LLMSinkDimensionSplit.self, forKey: .dimensionSplit)
        relevance = try c.decode([RelevanceMap].self, forKey: .relevance)
        notes = try c.decode([String].self, forKey: .notes)
        vitPatches = try c.decodeIfPresent(Int.self, forKey: .vitPatches)
        tokenMerge = try c.decodeIfPresent(String.self, forKey: .tokenMerge)
        sinkFedTokens = try c.decodeIfPresent(SnakeCaseCounts.self, forKey: .sinkFedTokens)?.counts
        unfedTokens = try c.decodeIfPresent(Int.self, forKey: .unfedTokens)
        sinkFeeding = try c.decodeIfPresent([SinkFeeding].self, forKey: .sinkFeeding)
        decodedWords = try c.decodeIfPresent([DecodedGallery].self, forKey: .decodedWords)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(store, forKey: .store)
        try c.encode(lvlm, forKey: .lvlm)
        try c.encode(vitLayer, forKey: .vitLayer)
        try c.encode(images, forKey: .images)
        try c.encode(visualTokens, forKey: .visualTokens)
        try c.encode(grid, forKey: .grid)
        try c.encode(vitMethod, forKey: .vitMethod)
        try c.encode(vitParameters, forKey: .vitParameters)
        try c.encodeIfPresent(vitThreshold, forKey: .vitThreshold)
        try c.encode(SnakeCaseCounts(counts: vitSinks), forKey: .vitSinks)
        try c.encode(llmCriterion, forKey: .llmCriterion)
        try c.encode(SnakeCaseCounts(counts: emergedSinks), forKey: .emergedSinks)
        try c.encode(attention, forKey: .attention)
        try c.encodeIfPresent(normBuckets, forKey: .normBuckets)
        try c.encode(dimensions, forKey: .dimensions)
        try c.encode(dimensionSplit, forKey: .dimensionSplit)
        try c.encode(relevance, forKey: .relevance)
        try c.encode(notes, forKey: .notes)
        try c.encodeIfPresent(vitPatches, forKey: .vitPatches)
        try c.encodeIfPresent(tokenMerge, forKey: .tokenMerge)
        try c.encodeIfPresent(sinkFedTokens.map { SnakeCaseCounts(counts: $0) }, forKey: .sinkFedTokens)
        try c.encodeIfPresent(unfedTokens, forKey: .unfedTokens)
        try c.encodeIfPresent(sinkFeeding, forKey: .sinkFeeding)
        try c.encodeIfPresent(decodedWords, forKey: .decodedWords)
    }
}

/// `CountSummary` under snake_case keys.
struct SnakeCaseCounts: Codable {
    var counts: CountSummary

    init(counts: CountSummary) { self.counts = counts }

    enum CodingKeys: String, CodingKey {
        case total
        case meanPerImage = "mean_per_image", minPerImage = "min_per_image", maxPerImage = "max_per_image"
        case imagesWithSinks = "images_with_sinks"
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        counts = CountSummary(counts: [])
        counts.total = try c.decode(Int.self, forKey: .total)
        counts.meanPerImage = try c.decode(Double.self, forKey: .meanPerImage)
        counts.minPerImage = try c.decode(Int.self, forKey: .minPerImage)
        counts.maxPerImage = try c.decode(Int.self, forKey: .maxPerImage)
        counts.imagesWithSinks = try c.decode(Int.self, forKey: .imagesWithSinks)
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(counts.total, forKey: .total)
        try c.encode(counts.meanPerImage, forKey: .meanPerImage)
        try c.encode(counts.minPerImage, forKey: .minPerImage)
        try c.encode(counts.maxPerImage, forKey: .maxPerImage)
        try c.encode(counts.imagesWithSinks, forKey: .imagesWithSinks)
    }
}
