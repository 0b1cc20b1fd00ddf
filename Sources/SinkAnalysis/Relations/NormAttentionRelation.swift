import Foundation

/// How a token's norm relates to the attention it receives, on one layer.
///
/// Tokens are pooled over all images (patch tokens only unless `includePrefix`: CLS usually receives
/// far more attention than any patch and would dominate both coefficients). Spearman's ρ uses average
/// ranks for ties; Pearson's r is on the raw values. With a sink mask it also gives the mean received
/// attention of sinks and of the other tokens (in units of the uniform share, which is 1).
public struct NormAttentionRelation: Sendable, Codable, Equatable {
    public var layer: Int
    /// Tokens pooled.
    public var tokens: Int
    public var spearman: Double?
    public var pearson: Double?
    /// Mean received attention of sink and of non-sink tokens (nil without a mask or when a group is empty).
    public var meanReceivedSinks: Double?
    public var meanReceivedOthers: Double?
    /// meanReceivedSinks / meanReceivedOthers.
    public var receivedRatio: Double?

    /// - Parameters:
    ///   - norms: `[n, T]` token norms.
    ///   - received: `[n, T]` received attention.
    ///   - mask: optional `[n, T]` sink mask.
    ///   - tokenCount: T; `prefixTokens`: P.
    /// - Throws: `.maskShapeMismatch` when the arrays differ in length or are not a multiple of T.
    public init(
        layer: Int, norms: [Float], received: [Float], mask: [UInt8]? = nil, tokenCount: Int, prefixTokens: Int,
        includePrefix: Bool = false
    ) throws {
        guard tokenCount > 0, norms.count == received.count, norms.count % tokenCount == 0,
              mask.map({ $0.count == norms.count }) ?? true
        else {
            throw DetectionError.maskShapeMismatch(
                what: "norms, received attention and mask at layer \(layer)", expected: [norms.count],
                actual: [received.count, mask?.count ?? norms.count])
        }
        self.layer = layer
        var x: [Double] = [], y: [Double] = []
        var sinkSum = 0.0, sinkCount = 0, otherSum = 0.0, otherCount = 0
        for k in 0..<norms.count where includePrefix || k % tokenCount >= prefixTokens {
            x.append(Double(norms[k])); y.append(Double(received[k]))
            if let m = mask {
                if m[k] != 0 { sinkSum += Double(received[k]); sinkCount += 1 }
                else { otherSum += Double(received[k]); otherCount += 1 }
            }
        }
        tokens = x.count
        spearman = Correlation.spearman(x, y)
        pearson = Correlation.pearson(x, y)
        meanReceivedSinks = sinkCount > 0 ? sinkSum / Double(sinkCount) : nil
        meanReceivedOthers = otherCount > 0 ? otherSum / Double(otherCount) : nil
        if let s = meanReceivedSinks, let o = meanReceivedOthers, o > 0 { receivedRatio = s / o }
    }
}
