import Foundation

/// Sinks by attention received: tokens that receive more than `m` × the uniform share.
///
/// Received attention of token j is the head-mean column sum of the attention probabilities,
/// r_j = (1/H) Σ_h Σ_q A[h, q, j]. Every row of A sums to 1, so Σ_j r_j = T and a uniform attention
/// pattern gives r_j = 1: **the uniform share is exactly 1 per token**, and the criterion is r_j > m.
/// Each image's total is checked against T so a store with another normalisation fails loudly
/// instead of being thresholded on the wrong scale.
public struct ReceivedAttentionThreshold: SinkDetector, Equatable {
    public var m: Double
    public var includePrefix: Bool

    public init(m: Double, includePrefix: Bool = false) {
        self.m = m
        self.includePrefix = includePrefix
    }

    public var name: String { "attention" }
    public var inputs: DetectorInputs { [.received] }
    public var parameters: [String: String] { ["m": parameterText(m), "include_prefix": "\(includePrefix)"] }

    /// Relative tolerance on Σ_j r_j = T (float32 sums over H·T·T probabilities).
    static let totalTolerance = 1e-2

    public func criterion(_ layer: LayerActivations) throws -> SinkCriterion {
        guard m.isFinite, m > 1 else {
            throw DetectionError.invalidParameter(
                method: name, name: "m", value: "\(m)", expected: "a finite multiple > 1 of the uniform share")
        }
        let received = layer.received ?? []
        try Self.checkColumnSums(layer)
        return SinkCriterion(passes: received.map { Double($0) > m ? 1 : 0 }, threshold: m)
    }

    /// Throws `.receivedNotColumnSums` when an image's received attention does not total T.
    static func checkColumnSums(_ layer: LayerActivations) throws {
        guard let received = layer.received else { return }
        let t = layer.tokenCount
        for i in 0..<layer.imageCount {
            let total = received[(i * t)..<((i + 1) * t)].reduce(0.0) { $0 + Double($1) }
            if abs(total - Double(t)) > totalTolerance * Double(t) {
                throw DetectionError.receivedNotColumnSums(
                    source: layer.source, layer: layer.layer, image: layer.firstImage + i, total: total, expected: Double(t))
            }
        }
    }
}
