import ActivationStore
import Foundation

/// What detection found on one layer, in the numbers the `detect` table and the reports show.
///
/// "Others" are the non-sink patch tokens: prefix tokens are summarised on their own in `prefix`
/// and never enter the reference, so a large CLS norm cannot hide or fake a patch sink.
public struct LayerDetection: Sendable, Codable, Equatable {
    public var layer: Int
    /// The threshold applied (norm, ratio or share; see the method), nil for top-k or no separate mode.
    public var threshold: Double?
    /// "given", "calibrated", "none" (calibration found no separate mode) or "rank" (top-k).
    public var thresholdSource: String
    public var calibration: NormCalibration.Result?
    public var sinks: CountSummary
    /// Median norm of the sinks and of the other patch tokens, and their ratio.
    public var sinkNormMedian: Double?
    public var otherNormMedian: Double?
    public var normRatio: Double?
    /// Mean received attention (uniform share = 1) of sinks and of the other patch tokens, and their ratio.
    public var sinkReceivedMean: Double?
    public var otherReceivedMean: Double?
    public var receivedRatio: Double?
    /// Dimensions that fired (massive / sinkdim methods).
    public var dimensions: [DimensionHit]
    /// Dimensions ranked by mean |x_d| at sinks ÷ at other patches (when hidden states were read).
    public var topSinkDimensions: [SinkDimensionDiscovery.RankedDimension]
    /// Each prefix token (CLS first, then registers) on its own.
    public var prefix: [PrefixTokenSummary]
    /// The register tokens as one group, when the model has registers (nil, and absent from JSON, otherwise).
    public var registers: RegisterGroupSummary?
    /// CLS receives the most attention of all T tokens in at least half of the images;
    /// nil without received attention or without a CLS token.
    public var clsIsAttentionSink: Bool?
    /// Norm vs received attention over the patch tokens (nil without received attention).
    public var normAttention: NormAttentionRelation?
    public var notes: [String]
    /// Full or windowed attention in the block that wrote this layer, when the model has windowed
    /// blocks (nil, and absent from JSON, otherwise and for layer 0). In a windowed block a token is
    /// attended only from its own window, so its received attention is not comparable with a full block's.
    public var attention: LayerAttention? = nil
}

/// Sinks per image.
public struct CountSummary: Sendable, Codable, Equatable {
    public var total: Int
    public var meanPerImage: Double
    public var minPerImage: Int
    public var maxPerImage: Int
    public var imagesWithSinks: Int

    public init(counts: [Int]) {
        total = counts.reduce(0, +)
        meanPerImage = counts.isEmpty ? 0 : Double(total) / Double(counts.count)
        minPerImage = counts.min() ?? 0
        maxPerImage = counts.max() ?? 0
        imagesWithSinks = counts.filter { $0 > 0 }.count
    }
}

/// The register tokens of a model (designed sinks; Darcet et al.) as one group, across images: each
/// value is the mean over images and over the register tokens of the `PrefixTokenSummary` value.
public struct RegisterGroupSummary: Sendable, Codable, Equatable {
    /// How many register tokens there are.
    public var count: Int
    /// Token indices of the registers.
    public var tokens: [Int]
    public var meanNorm: Double
    /// Mean of register norm ÷ the image's median patch norm.
    public var normRatio: Double
    public var meanReceived: Double?
    /// Mean of register received attention ÷ the image's mean patch received attention.
    public var receivedRatio: Double?

    init(_ registers: [PrefixTokenSummary]) {
        let k = Double(max(registers.count, 1))
        func mean(_ v: [Double]) -> Double { v.reduce(0, +) / k }
        count = registers.count
        tokens = registers.map(\.token)
        meanNorm = mean(registers.map(\.meanNorm))
        normRatio = mean(registers.map(\.normRatio))
        let received = registers.compactMap(\.meanReceived), ratios = registers.compactMap(\.receivedRatio)
        meanReceived = received.count == registers.count && !registers.isEmpty ? mean(received) : nil
        receivedRatio = ratios.count == registers.count && !registers.isEmpty ? mean(ratios) : nil
    }
}

/// One prefix token (CLS or a register) across images.
public struct PrefixTokenSummary: Sendable, Codable, Equatable {
    /// Token index (0 = CLS).
    public var token: Int
    /// "cls" or "register N".
    public var role: String
    public var meanNorm: Double
    /// Mean over images of its norm ÷ the image's median patch norm.
    public var normRatio: Double
    public var meanReceived: Double?
    /// Mean over images of its received attention ÷ the image's mean patch received attention.
    public var receivedRatio: Double?
    /// Share of images where it receives the most attention of all T tokens.
    public var topReceiverShare: Double?
    /// Share of images where it meets the method's criterion (whether or not prefix tokens are included).
    public var criterionShare: Double
}

extension LayerDetection {
    /// The CLS token's summary (the first prefix token unless all prefix tokens are registers).
    public var cls: PrefixTokenSummary? { prefix.first.flatMap { $0.role == "cls" ? $0 : nil } }

    /// Summarises one layer's mask.
    /// - Parameters:
    ///   - layer: the activations the mask was computed from.
    ///   - rankDimensions: rank hidden dimensions at sinks (needs `layer.hidden`).
    public init(
        summarizing layer: LayerActivations, mask: SinkMask, thresholdSource: String, rankDimensions: Bool = true,
        rankedDimensions: [SinkDimensionDiscovery.RankedDimension]? = nil
    ) throws {
        var accumulator = Accumulator(
            layer: layer.layer, tokenCount: layer.tokenCount, prefixCount: layer.prefixCount,
            registerCount: layer.registerCount, hiddenSize: layer.hiddenSize,
            rankDimensions: rankDimensions && rankedDimensions == nil)
        accumulator.add(layer, mask: mask, hidden: rankedDimensions == nil && rankDimensions ? layer.hidden : nil)
        self = try accumulator.finish(
            threshold: mask.threshold, thresholdSource: thresholdSource, calibration: mask.calibration,
            dimensions: mask.dimensions, notes: mask.notes, rankedDimensions: rankedDimensions)
        attention = layer.attention
    }

    static func ratio(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, b > 0 else { return nil }
        return a / b
    }
}
