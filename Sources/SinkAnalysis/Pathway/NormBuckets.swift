import Foundation

/// LLM attention by ViT-norm quantile: the visual tokens of all images sorted by ViT norm and cut
/// into `count` buckets of (nearly) equal size, with each bucket's mean share per LLM layer.
///
/// Buckets are cut by rank (ties broken by image, then token index): bucket b holds ranks
/// ⌊b·N/count⌋ ..< ⌊(b+1)·N/count⌋, so every bucket holds ⌊N/count⌋ or ⌈N/count⌉ tokens even when
/// many norms are equal, the N mod count larger buckets are spread evenly over the range and the
/// last one is always among them (N = 10, count = 4: 2, 3, 2, 3 tokens). A run of equal norms may
/// straddle two buckets, and `lowerNorm`/`upperNorm` show it.
public struct NormBuckets: Sendable, Codable, Equatable {
    public struct Bucket: Sendable, Codable, Equatable {
        /// Smallest and largest ViT norm in the bucket.
        public var lowerNorm: Double
        public var upperNorm: Double
        public var meanNorm: Double
        public var tokens: Int
        /// ViT sinks among them.
        public var vitSinks: Int

        enum CodingKeys: String, CodingKey {
            case tokens
            case lowerNorm = "lower_norm", upperNorm = "upper_norm", meanNorm = "mean_norm", vitSinks = "vit_sinks"
        }
    }

    public var buckets: [Bucket]
    /// LLM layers, in the order of `meanShare`.
    public var layers: [Int]
    /// `[layers][buckets]` mean share of the layer's attention per token of the bucket.
    public var meanShare: [[Double]]
    /// Mean over layers of `meanShare`, per bucket.
    public var meanShareOverLayers: [Double]

    enum CodingKeys: String, CodingKey {
        case buckets, layers
        case meanShare = "mean_share", meanShareOverLayers = "mean_share_over_layers"
    }

    /// - Parameters:
    ///   - norms: `[N]` ViT norms of all visual tokens (image-major).
    ///   - vitSinks: `[N]` 1 for ViT sinks.
    ///   - shares: per LLM layer, `[N]` shares of the same tokens.
    ///   - count: the number of buckets, 1...N.
    public init(norms: [Float], vitSinks: [UInt8], shares: [(layer: Int, values: [Double])], count: Int) throws {
        let total = norms.count
        guard count >= 1, total >= count else {
            throw PathwayError.invalidParameter(name: "buckets", value: "\(count)", expected: "between 1 and the \(total) visual tokens")
        }
        guard vitSinks.count == total, shares.allSatisfy({ $0.values.count == total }) else {
            throw PathwayError.shapeMismatch(what: "norm buckets' inputs", expected: total, actual: vitSinks.count)
        }
        let order = norms.indices.sorted { norms[$0] != norms[$1] ? norms[$0] < norms[$1] : $0 < $1 }
        let ranges = (0..<count).map { b in (b * total / count)..<((b + 1) * total / count) }
        buckets = ranges.map { r in
            let members = order[r]
            let values = members.map { Double(norms[$0]) }
            return Bucket(lowerNorm: values.first!, upperNorm: values.last!, meanNorm: values.reduce(0, +) / Double(values.count),
                          tokens: values.count, vitSinks: members.filter { vitSinks[$0] != 0 }.count)
        }
        layers = shares.map(\.layer)
        let perLayer = shares.map { layer in
            ranges.map { r in order[r].reduce(0.0) { $0 + layer.values[$1] } / Double(r.count) }
        }
        meanShare = perLayer
        meanShareOverLayers = (0..<count).map { b in
            perLayer.isEmpty ? 0 : perLayer.reduce(0.0) { $0 + $1[b] } / Double(perLayer.count)
        }
    }
}
