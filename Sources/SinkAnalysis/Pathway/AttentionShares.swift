import Foundation
import Support

/// The three kinds of visual token the pathway analysis compares.
public enum VisualTokenGroup: UInt8, Sendable, Codable, CaseIterable {
    /// Neither a ViT sink nor an LLM-emerged sink.
    case ordinary = 0
    /// A sink of the ViT layer the LVLM uses (its high norm is carried into the LLM).
    case vitSink = 1
    /// Not a ViT sink, but a sink (massive activation) at some LLM layer.
    case emergedSink = 2
    /// A visual token that no ViT patch feeds (LLaVA-NeXT's newline tokens, a CLS fed whole): left
    /// out of every comparison.
    case unfed = 3
}

/// One group's share of an LLM layer's attention. A token's **share** is its received attention
/// divided by the number of summed query rows (`llm.query_count`): the fraction of the layer's
/// attention, averaged over heads and queries, that lands on it (the seed paper: ordinary visual
/// token ~0.15%, ViT sink ~1.1%, LLM-emerged sink ~1.3% in LLaVA-1.5-7B).
public struct GroupShare: Sendable, Codable, Equatable {
    /// Tokens in the group, over all images.
    public var tokens: Int
    /// Mean share per token, pooled over images (nil for an empty group).
    public var meanShare: Double?
    public var medianShare: Double?
    /// Mean over images of the group's summed share: how much of the layer's attention the group takes.
    public var imageTotalShare: Double?

    enum CodingKeys: String, CodingKey {
        case tokens
        case meanShare = "mean_share"
        case medianShare = "median_share"
        case imageTotalShare = "image_total_share"
    }

    init(_ values: [Double], totals: [Double]) {
        tokens = values.count
        meanShare = values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
        medianShare = values.isEmpty ? nil : median(values)
        imageTotalShare = values.isEmpty || totals.isEmpty ? nil : totals.reduce(0, +) / Double(totals.count)
    }
}

/// Attention shares of one LLM layer by token group, and how a visual token's share follows its
/// ViT norm.
public struct LayerAttentionShares: Sendable, Codable, Equatable {
    /// LLM block l (the attention inside block l).
    public var layer: Int
    public var vitSinks: GroupShare
    public var emergedSinks: GroupShare
    public var ordinary: GroupShare
    /// vitSinks.meanShare / ordinary.meanShare: how many times more attention a ViT sink gets than an
    /// ordinary visual token (~7 in the seed paper); nil when a group is empty or ordinary gets none.
    public var vitSinkRatio: Double?
    /// emergedSinks.meanShare / ordinary.meanShare.
    public var emergedSinkRatio: Double?
    /// Spearman's ρ (average ranks for ties) and Pearson's r between a visual token's ViT norm and its
    /// share, pooled over all images' visual tokens.
    public var spearman: Double?
    public var pearson: Double?

    enum CodingKeys: String, CodingKey {
        case layer, ordinary, spearman, pearson
        case vitSinks = "vit_sinks"
        case emergedSinks = "emerged_sinks"
        case vitSinkRatio = "vit_sink_ratio"
        case emergedSinkRatio = "emerged_sink_ratio"
    }

    /// - Parameters:
    ///   - shares: `[n, P]` shares of the layer's attention.
    ///   - vitNorms: `[n, P]` ViT norms of the same tokens.
    ///   - groups: `[n, P]` group of each token.
    ///   - visualTokens: P.
    /// - Throws: `PathwayError.shapeMismatch` when the lengths differ.
    public init(layer: Int, shares: [Double], vitNorms: [Float], groups: [VisualTokenGroup], visualTokens p: Int) throws {
        guard p > 0, shares.count % p == 0, vitNorms.count == shares.count, groups.count == shares.count else {
            throw PathwayError.shapeMismatch(what: "shares, norms and groups at LLM layer \(layer)", expected: shares.count, actual: min(vitNorms.count, groups.count))
        }
        self.layer = layer
        let n = shares.count / p
        var values: [VisualTokenGroup: [Double]] = [:], totals: [VisualTokenGroup: [Double]] = [:]
        for i in 0..<n {
            var sums: [VisualTokenGroup: Double] = [:]
            for k in (i * p)..<((i + 1) * p) {
                values[groups[k], default: []].append(shares[k])
                sums[groups[k], default: 0] += shares[k]
            }
            for (g, s) in sums { totals[g, default: []].append(s) }
        }
        func group(_ g: VisualTokenGroup) -> GroupShare { GroupShare(values[g] ?? [], totals: totals[g] ?? []) }
        vitSinks = group(.vitSink)
        emergedSinks = group(.emergedSink)
        ordinary = group(.ordinary)
        func ratio(_ a: GroupShare) -> Double? {
            guard let s = a.meanShare, let o = ordinary.meanShare, o > 0 else { return nil }
            return s / o
        }
        vitSinkRatio = ratio(vitSinks)
        emergedSinkRatio = ratio(emergedSinks)
        let fed = groups.indices.filter { groups[$0] != .unfed }
        let x = fed.map { Double(vitNorms[$0]) }, y = fed.map { shares[$0] }
        spearman = Correlation.spearman(x, y)
        pearson = Correlation.pearson(x, y)
    }
}
