import Foundation

/// The massive dimensions (Sun et al. 2024) of one LLM hidden layer at the visual positions, split
/// by who carries them: **propagated** ViT sinks (visual tokens that are ViT sinks and have a massive
/// activation here) and **LLM-emerged** sinks (visual tokens with a massive activation that are not
/// ViT sinks). The seed paper finds the two light up different LLM dimensions.
///
/// The criterion is `MassiveDimensions` itself, run once on all visual tokens and then on each
/// group's tokens alone (the criterion is per token: the median it compares to is the token's own),
/// so the dimensions are exactly those the detector reports, split by group.
public struct LLMSinkLayer: Sendable, Codable, Equatable {
    /// LLM hidden layer l (0 = input embeddings, i.e. the projected ViT tokens).
    public var layer: Int
    /// Visual tokens with a massive activation, over all images.
    public var massiveTokens: Int
    /// ViT sinks over all images, and how many of them have a massive activation here.
    public var vitSinks: Int
    public var propagated: Int
    /// propagated / vitSinks (nil without ViT sinks).
    public var propagationRate: Double?
    /// Massive visual tokens that are not ViT sinks.
    public var emerged: Int
    /// Dimensions that fired on propagated ViT sinks / on emerged sinks, with counts and peaks.
    public var propagatedDimensions: [DimensionHit]
    public var emergedDimensions: [DimensionHit]

    enum CodingKeys: String, CodingKey {
        case layer, propagated, emerged
        case massiveTokens = "massive_tokens", vitSinks = "vit_sinks", propagationRate = "propagation_rate"
        case propagatedDimensions = "propagated_dimensions", emergedDimensions = "emerged_dimensions"
    }

    /// - Parameters:
    ///   - hidden: `[n, P, Dm]` LLM hidden states at the visual positions.
    ///   - vitSinks: `[n, P]` 1 for ViT sinks.
    /// - Returns: the summary and the `[n, P]` mask of massive tokens.
    public static func analyse(layer: Int, hidden: [Float], imageCount n: Int, visualTokens p: Int, hiddenSize d: Int,
                               vitSinks: [UInt8], criterion: MassiveDimensions, source: String) throws -> (LLMSinkLayer, [UInt8]) {
        guard hidden.count == n * p * d, vitSinks.count == n * p else {
            throw PathwayError.shapeMismatch(what: "LLM hidden states at layer \(layer)", expected: n * p * d, actual: hidden.count)
        }
        var c = criterion
        c.includePrefix = true  // visual tokens have no prefix; keep every row
        let all = try LayerActivations(layer: layer, imageCount: n, tokenCount: p, hiddenSize: d, prefixTokens: 0,
                                       hidden: hidden, received: nil, source: source)
        let mask = try c.detect(all).values
        let propagatedRows = mask.indices.filter { mask[$0] != 0 && vitSinks[$0] != 0 }
        let emergedRows = mask.indices.filter { mask[$0] != 0 && vitSinks[$0] == 0 }
        func dimensions(_ rows: [Int]) throws -> [DimensionHit] {
            guard !rows.isEmpty else { return [] }
            var x: [Float] = []
            x.reserveCapacity(rows.count * d)
            for r in rows { x += hidden[(r * d)..<((r + 1) * d)] }
            let group = try LayerActivations(layer: layer, imageCount: 1, tokenCount: rows.count, hiddenSize: d, prefixTokens: 0,
                                             hidden: x, received: nil, source: source)
            return try c.detect(group).dimensions
        }
        let sinks = vitSinks.filter { $0 != 0 }.count
        let summary = LLMSinkLayer(
            layer: layer, massiveTokens: propagatedRows.count + emergedRows.count, vitSinks: sinks, propagated: propagatedRows.count,
            propagationRate: sinks > 0 ? Double(propagatedRows.count) / Double(sinks) : nil, emerged: emergedRows.count,
            propagatedDimensions: try dimensions(propagatedRows), emergedDimensions: try dimensions(emergedRows))
        return (summary, mask)
    }
}

/// The dimension sets over all analysed LLM layers.
public struct LLMSinkDimensionSplit: Sendable, Codable, Equatable {
    /// Dimensions that fired on propagated ViT sinks at some layer / on LLM-emerged sinks at some layer.
    public var propagated: [Int]
    public var emerged: [Int]
    /// In both sets, and in one only.
    public var shared: [Int]
    public var propagatedOnly: [Int]
    public var emergedOnly: [Int]

    enum CodingKeys: String, CodingKey {
        case propagated, emerged, shared
        case propagatedOnly = "propagated_only", emergedOnly = "emerged_only"
    }

    public init(_ layers: [LLMSinkLayer]) {
        let a = Set(layers.flatMap { $0.propagatedDimensions.map(\.dimension) })
        let b = Set(layers.flatMap { $0.emergedDimensions.map(\.dimension) })
        propagated = a.sorted()
        emerged = b.sorted()
        shared = a.intersection(b).sorted()
        propagatedOnly = a.subtracting(b).sorted()
        emergedOnly = b.subtracting(a).sorted()
    }
}
