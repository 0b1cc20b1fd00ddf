import Foundation

/// Finds the hidden dimensions that set sinks apart: per layer, dimensions ranked by
/// mean |x_d| over sink tokens ÷ mean |x_d| over the other patch tokens; then the dimensions that
/// recur in the top ranks of several layers (Sun et al. and Kang et al. find such dimensions fixed
/// per model).
///
///     let discovery = SinkDimensionDiscovery(top: 5, minLayers: 2)
///     let perLayer = try discovery.rank(layer: 8, hidden: x, mask: m, tokenCount: 257, hiddenSize: 384, prefixTokens: 1)
///     let report = discovery.summarize(method: "relative", [perLayer, ...])
public struct SinkDimensionDiscovery: Sendable, Codable, Equatable {
    /// Dimensions kept per layer.
    public var top: Int
    /// A dimension recurs when it is in the top of at least this many layers.
    public var minLayers: Int

    public init(top: Int = 5, minLayers: Int = 2) {
        self.top = top
        self.minLayers = minLayers
    }

    /// One dimension's standing on one layer.
    public struct RankedDimension: Sendable, Codable, Equatable {
        public var dimension: Int
        public var sinkMeanAbs: Double
        public var otherMeanAbs: Double
        /// sinkMeanAbs / otherMeanAbs (the denominator floored at 1e-12).
        public var ratio: Double
    }

    public struct LayerDimensions: Sendable, Codable, Equatable {
        public var layer: Int
        public var sinkTokens: Int
        /// Best `top` dimensions, highest ratio first; empty when the layer has no sinks.
        public var top: [RankedDimension]
    }

    public struct RecurringDimension: Sendable, Codable, Equatable {
        public var dimension: Int
        public var layers: [Int]
        /// Mean 1-based rank in those layers' top lists (1 = the most sink-specific dimension).
        public var meanRank: Double
    }

    public struct Report: Sendable, Codable, Equatable {
        public var method: String
        public var layers: [LayerDimensions]
        /// Dimensions in the top of at least `minLayers` layers, most layers first.
        public var recurring: [RecurringDimension]
    }

    /// Ranks the dimensions of one layer.
    /// - Parameters:
    ///   - hidden: `[n, T, D]` hidden states; `mask`: `[n, T]` sinks. Other tokens are the non-sink
    ///     patch tokens (prefix tokens have their own large dimensions and are left out of "others").
    /// - Throws: `.maskShapeMismatch` when the lengths disagree with T and D.
    public func rank(
        layer: Int, hidden: [Float], mask: [UInt8], tokenCount: Int, hiddenSize: Int, prefixTokens: Int
    ) throws -> LayerDimensions {
        let d = hiddenSize
        let rows = mask.count
        guard tokenCount > 0, d > 0, rows % tokenCount == 0, hidden.count == rows * d else {
            throw DetectionError.maskShapeMismatch(
                what: "hidden states and mask at layer \(layer)", expected: [rows * d], actual: [hidden.count])
        }
        var sums = Sums(hiddenSize: d)
        sums.add(hidden: hidden, mask: mask[...], tokenCount: tokenCount, prefixTokens: prefixTokens)
        return sums.ranked(layer: layer, top: top)
    }

    /// The per-dimension sums behind `rank`, fed one block of images at a time (e.g. one shard of
    /// a store) so the hidden states of a layer never need to be in memory at once. Blocks added in
    /// image order give the same sums, to the last bit, as one `rank` over all images.
    public struct Sums: Sendable {
        let d: Int
        var sinkSum: [Double], otherSum: [Double]
        var sinks = 0, others = 0

        public init(hiddenSize: Int) {
            d = hiddenSize
            sinkSum = [Double](repeating: 0, count: hiddenSize)
            otherSum = [Double](repeating: 0, count: hiddenSize)
        }

        /// Adds a block: `hidden` `[b, T, D]`, `mask` `[b, T]`.
        public mutating func add(hidden: [Float], mask: ArraySlice<UInt8>, tokenCount: Int, prefixTokens: Int) {
            let base = mask.startIndex
            for k in 0..<mask.count {
                let isSink = mask[base + k] != 0
                guard isSink || k % tokenCount >= prefixTokens else { continue }
                if isSink { sinks += 1 } else { others += 1 }
                for c in 0..<d {
                    let v = Double(abs(hidden[k * d + c]))
                    if isSink { sinkSum[c] += v } else { otherSum[c] += v }
                }
            }
        }

        /// The `top` dimensions by mean |x_d| at sinks ÷ at other patches.
        public func ranked(layer: Int, top: Int) -> LayerDimensions {
            guard sinks > 0, others > 0 else { return LayerDimensions(layer: layer, sinkTokens: sinks, top: []) }
            let sinkScale = 1 / Double(sinks), otherScale = 1 / Double(others)
            var ranked: [RankedDimension] = []
            for c in 0..<d {
                let s: Double = sinkSum[c] * sinkScale
                let o: Double = otherSum[c] * otherScale
                ranked.append(RankedDimension(dimension: c, sinkMeanAbs: s, otherMeanAbs: o, ratio: s / Swift.max(o, 1e-12)))
            }
            ranked.sort { $0.ratio != $1.ratio ? $0.ratio > $1.ratio : $0.dimension < $1.dimension }
            return LayerDimensions(layer: layer, sinkTokens: sinks, top: Array(ranked.prefix(top)))
        }
    }

    /// Collects the per-layer rankings and finds the dimensions that recur.
    public func summarize(method: String, _ layers: [LayerDimensions]) -> Report {
        var seen: [Int: (layers: [Int], rankSum: Int)] = [:]
        for l in layers {
            for (rank, r) in l.top.enumerated() {
                let old = seen[r.dimension] ?? ([], 0)
                seen[r.dimension] = (old.layers + [l.layer], old.rankSum + rank + 1)
            }
        }
        let recurring = seen.filter { $0.value.layers.count >= minLayers }
            .map { RecurringDimension(dimension: $0.key, layers: $0.value.layers.sorted(),
                                      meanRank: Double($0.value.rankSum) / Double($0.value.layers.count)) }
            .sorted {
                if $0.layers.count != $1.layers.count { return $0.layers.count > $1.layers.count }
                return $0.meanRank != $1.meanRank ? $0.meanRank < $1.meanRank : $0.dimension < $1.dimension
            }
        return Report(method: method, layers: layers.sorted { $0.layer < $1.layer }, recurring: recurring)
    }
}
