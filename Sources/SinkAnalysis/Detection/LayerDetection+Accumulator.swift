import Foundation
import Support

extension LayerDetection {
    /// Builds one layer's summary from blocks of images added in store order, so a layer read shard
    /// by shard gets, to the last bit, the summary of the whole layer at once (every sum runs over
    /// the images in the same order).
    ///
    /// What it keeps grows with the images only by per-token scalars of this one layer: the patch
    /// tokens' norms, received attention and mask bits (9 bytes a token), which the medians and the
    /// rank correlation need whole; the sink counts per image; the per-dimension sums (`[D]`).
    /// Hidden states are only summed, never kept.
    struct Accumulator {
        let layer: Int, tokenCount: Int, prefixCount: Int, registerCount: Int
        var hasReceived: Bool?
        var counts: [Int] = []
        var sinkNorms: [Float] = []
        var sinkReceived = 0.0, otherReceived = 0.0
        /// Patch tokens only, image-major: `[n, T - P]`.
        var patchNorms: [Float] = [], patchReceived: [Float] = [], patchMask: [UInt8] = []
        // Per prefix token j: sums over images in order.
        var prefixNorm: [Double], prefixNormRatio: [Double], prefixReceived: [Double], prefixReceivedRatio: [Double]
        var prefixTop: [Int], prefixPasses: [Int]
        var dimensionSums: SinkDimensionDiscovery.Sums?

        init(layer: Int, tokenCount: Int, prefixCount: Int, registerCount: Int, hiddenSize: Int, rankDimensions: Bool) {
            self.layer = layer
            self.tokenCount = tokenCount
            self.prefixCount = prefixCount
            self.registerCount = registerCount
            let zeros = [Double](repeating: 0, count: prefixCount)
            prefixNorm = zeros; prefixNormRatio = zeros; prefixReceived = zeros; prefixReceivedRatio = zeros
            prefixTop = [Int](repeating: 0, count: prefixCount)
            prefixPasses = prefixTop
            dimensionSums = rankDimensions ? SinkDimensionDiscovery.Sums(hiddenSize: hiddenSize) : nil
        }

        /// Adds a block of images: its activations, its mask, and (to rank dimensions) its hidden
        /// states `[n_b, T, D]`.
        mutating func add(_ block: LayerActivations, mask: SinkMask, hidden: [Float]?) {
            let t = tokenCount, p = prefixCount
            hasReceived = hasReceived ?? (block.received != nil)
            counts += mask.counts
            for k in 0..<mask.values.count {
                if mask.values[k] != 0 {
                    sinkNorms.append(block.norms[k])
                    sinkReceived += Double(block.received?[k] ?? 0)
                } else if k % t >= p {
                    otherReceived += Double(block.received?[k] ?? 0)
                }
                if k % t >= p {
                    patchNorms.append(block.norms[k])
                    patchMask.append(mask.values[k])
                    if let r = block.received { patchReceived.append(r[k]) }
                }
            }
            for i in 0..<block.imageCount {
                let row = block.norms(image: i)
                let patchMedian = p > 0 ? median(row.dropFirst(p)) : 0
                var patchMean = 0.0, image: ArraySlice<Float> = []
                var best: Int?
                if let r = block.received {
                    image = r[(i * t)..<((i + 1) * t)]
                    patchMean = image.dropFirst(p).reduce(0.0) { $0 + Double($1) } / Double(t - p)
                    best = image.indices.max(by: { image[$0] < image[$1] })
                }
                for j in 0..<p {
                    let v = Double(block.norms[i * t + j])
                    prefixNorm[j] += v
                    prefixNormRatio[j] += v / max(patchMedian, 1e-30)
                    if let r = block.received {
                        prefixReceived[j] += Double(r[i * t + j])
                        prefixReceivedRatio[j] += Double(r[i * t + j]) / max(patchMean, 1e-30)
                        if best == i * t + j { prefixTop[j] += 1 }
                    }
                    prefixPasses[j] += Int(mask.prefixPasses[i * p + j])
                }
            }
            if let hidden, dimensionSums != nil {
                dimensionSums!.add(hidden: hidden, mask: mask.values[...], tokenCount: t, prefixTokens: p)
            }
        }

        /// The summary, with what the detector reported for the whole layer.
        func finish(
            threshold: Double?, thresholdSource: String, calibration: NormCalibration.Result?,
            dimensions: [DimensionHit], notes: [String], rankedDimensions: [SinkDimensionDiscovery.RankedDimension]? = nil
        ) throws -> LayerDetection {
            let p = prefixCount, received = hasReceived ?? false
            let sinks = CountSummary(counts: counts)
            let otherNorms = zip(patchNorms, patchMask).compactMap { $1 == 0 ? $0 : nil }
            let sinkNormMedian = sinkNorms.isEmpty ? nil : median(sinkNorms)
            let otherNormMedian = otherNorms.isEmpty ? nil : median(otherNorms)
            var result = LayerDetection(
                layer: layer, threshold: threshold, thresholdSource: thresholdSource, calibration: calibration,
                sinks: sinks, sinkNormMedian: sinkNormMedian, otherNormMedian: otherNormMedian,
                normRatio: LayerDetection.ratio(sinkNormMedian, otherNormMedian), dimensions: dimensions,
                topSinkDimensions: [], prefix: [], notes: notes)
            if received {
                result.sinkReceivedMean = sinkNorms.isEmpty ? nil : sinkReceived / Double(sinkNorms.count)
                result.otherReceivedMean = otherNorms.isEmpty ? nil : otherReceived / Double(otherNorms.count)
                result.receivedRatio = LayerDetection.ratio(result.sinkReceivedMean, result.otherReceivedMean)
                result.normAttention = try NormAttentionRelation(
                    layer: layer, norms: patchNorms, received: patchReceived, mask: patchMask,
                    tokenCount: max(tokenCount - p, 1), prefixTokens: 0)
            }
            let count = Double(max(counts.count, 1)), r = registerCount
            // Without recorded registers every prefix token after the first is called a register, as before.
            let firstRegister = r > 0 ? p - r : 1
            result.prefix = (0..<p).map { j in
                PrefixTokenSummary(
                    token: j, role: j < firstRegister ? "cls" : "register \(j - firstRegister + 1)",
                    meanNorm: prefixNorm[j] / count, normRatio: prefixNormRatio[j] / count,
                    meanReceived: received ? prefixReceived[j] / count : nil,
                    receivedRatio: received ? prefixReceivedRatio[j] / count : nil,
                    topReceiverShare: received ? Double(prefixTop[j]) / count : nil,
                    criterionShare: Double(prefixPasses[j]) / count)
            }
            result.registers = r > 0 ? RegisterGroupSummary(Array(result.prefix.suffix(r))) : nil
            result.clsIsAttentionSink = p > r ? result.prefix[0].topReceiverShare.map { $0 >= 0.5 } : nil
            if let ranked = rankedDimensions {
                result.topSinkDimensions = ranked
            } else if let sums = dimensionSums, sinks.total > 0 {
                result.topSinkDimensions = sums.ranked(layer: layer, top: 5).top
            }
            return result
        }
    }
}
