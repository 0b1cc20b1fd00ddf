import Foundation
import Support

// Shape letters: n images, T tokens, P prefix tokens (CLS, registers).

/// No-op or broadcasting sinks: the medians of the stored value measures (`value_norm.{l}`,
/// `value_out.{l}`, from `extract --capture values`) for the sinks, the other patch tokens and CLS.
///
/// A sink that soaks up attention but whose value vectors are tiny adds almost nothing to the
/// queries' outputs (a no-op, an "attention dump"); one whose value is large enough that its
/// query-averaged contribution exceeds the ordinary tokens' broadcasts the same vector to every
/// query. `outputRatio` > 1 says the group's contribution is larger than the ordinary tokens'.
public struct ValueContributionSummary: Sendable, Codable, Equatable {
    /// Median head-mean value-vector norm of the sinks (mask tokens), the other patch tokens, CLS.
    public var sinkValueNorm: Double?
    public var otherValueNorm: Double?
    public var clsValueNorm: Double?
    /// Median norm of the query-averaged contribution to the attention output, same groups.
    public var sinkValueOut: Double?
    public var otherValueOut: Double?
    public var clsValueOut: Double?

    /// sink ÷ other median value norm and contribution; nil without sinks.
    public var sinkNormRatio: Double? { ratio(sinkValueNorm, otherValueNorm) }
    public var sinkOutputRatio: Double? { ratio(sinkValueOut, otherValueOut) }
    /// CLS ÷ other patch tokens.
    public var clsNormRatio: Double? { ratio(clsValueNorm, otherValueNorm) }
    public var clsOutputRatio: Double? { ratio(clsValueOut, otherValueOut) }

    /// - Parameters:
    ///   - mask: [n, T] sinks (1); prefix tokens count as sinks only where the mask marks them.
    ///   - valueNorms, valueOutputs: [n, T].
    ///   - hasCLS: token 0 is a class token (summarised on its own, never among the "other" tokens).
    public init(mask: [UInt8], valueNorms: [Float], valueOutputs: [Float], tokenCount t: Int, prefixTokens p: Int, hasCLS: Bool) {
        var sinkNorm: [Float] = [], otherNorm: [Float] = [], clsNorm: [Float] = []
        var sinkOut: [Float] = [], otherOut: [Float] = [], clsOut: [Float] = []
        for k in 0..<min(mask.count, valueNorms.count, valueOutputs.count) {
            if mask[k] != 0 {
                sinkNorm.append(valueNorms[k]); sinkOut.append(valueOutputs[k])
            } else if k % t >= p {
                otherNorm.append(valueNorms[k]); otherOut.append(valueOutputs[k])
            }
            if hasCLS, k % t == 0 { clsNorm.append(valueNorms[k]); clsOut.append(valueOutputs[k]) }
        }
        func med(_ v: [Float]) -> Double? { v.isEmpty ? nil : median(v) }
        sinkValueNorm = med(sinkNorm); otherValueNorm = med(otherNorm); clsValueNorm = med(clsNorm)
        sinkValueOut = med(sinkOut); otherValueOut = med(otherOut); clsValueOut = med(clsOut)
    }

    enum CodingKeys: String, CodingKey {
        case sinkValueNorm, otherValueNorm, clsValueNorm, sinkValueOut, otherValueOut, clsValueOut
        case sinkNormRatio, sinkOutputRatio, clsNormRatio, clsOutputRatio
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sinkValueNorm = try c.decodeIfPresent(Double.self, forKey: .sinkValueNorm)
        otherValueNorm = try c.decodeIfPresent(Double.self, forKey: .otherValueNorm)
        clsValueNorm = try c.decodeIfPresent(Double.self, forKey: .clsValueNorm)
        sinkValueOut = try c.decodeIfPresent(Double.self, forKey: .sinkValueOut)
        otherValueOut = try c.decodeIfPresent(Double.self, forKey: .otherValueOut)
        clsValueOut = try c.decodeIfPresent(Double.self, forKey: .clsValueOut)
    }

    /// The medians and, for scripts, their ratios.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(sinkValueNorm, forKey: .sinkValueNorm)
        try c.encodeIfPresent(otherValueNorm, forKey: .otherValueNorm)
        try c.encodeIfPresent(clsValueNorm, forKey: .clsValueNorm)
        try c.encodeIfPresent(sinkValueOut, forKey: .sinkValueOut)
        try c.encodeIfPresent(otherValueOut, forKey: .otherValueOut)
        try c.encodeIfPresent(clsValueOut, forKey: .clsValueOut)
        try c.encodeIfPresent(sinkNormRatio, forKey: .sinkNormRatio)
        try c.encodeIfPresent(sinkOutputRatio, forKey: .sinkOutputRatio)
        try c.encodeIfPresent(clsNormRatio, forKey: .clsNormRatio)
        try c.encodeIfPresent(clsOutputRatio, forKey: .clsOutputRatio)
    }

    private func ratio(_ a: Double?, _ b: Double?) -> Double? {
        guard let a, let b, b > 0 else { return nil }
        return a / b
    }
}
