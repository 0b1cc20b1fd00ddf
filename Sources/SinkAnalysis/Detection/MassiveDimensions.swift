import Foundation
import Support

/// Sinks by massive activations (Sun et al. 2024, "Massive Activations in Large Language Models"):
/// a token is a sink when some dimension d of its hidden state x has |x_d| > `abs` **and**
/// |x_d| > `ratio` × median_d' |x_d'| (the median magnitude of that token's own hidden state).
///
/// The mask's `dimensions` lists every dimension that fired, with how many tokens (prefix tokens
/// included) it fired on and its peak |x_d|; Sun et al. find these few dimensions fixed per model.
public struct MassiveDimensions: SinkDetector, Equatable {
    public var abs: Double
    public var ratio: Double
    public var includePrefix: Bool

    /// Defaults follow Sun et al.: |x_d| > 100 and > 1000 × the median magnitude.
    public init(abs: Double = 100, ratio: Double = 1000, includePrefix: Bool = false) {
        self.abs = abs
        self.ratio = ratio
        self.includePrefix = includePrefix
    }

    public var name: String { "massive" }
    public var inputs: DetectorInputs { [.hidden] }
    public var parameters: [String: String] {
        ["abs": parameterText(abs), "ratio": parameterText(ratio), "include_prefix": "\(includePrefix)"]
    }

    public func criterion(_ layer: LayerActivations) throws -> SinkCriterion {
        guard abs.isFinite, abs > 0 else {
            throw DetectionError.invalidParameter(method: name, name: "abs", value: "\(abs)", expected: "a finite magnitude > 0")
        }
        guard ratio.isFinite, ratio > 1 else {
            throw DetectionError.invalidParameter(
                method: name, name: "ratio", value: "\(ratio)", expected: "a finite multiple > 1 of the median magnitude")
        }
        let x = layer.hidden ?? [], d = layer.hiddenSize
        let rows = layer.imageCount * layer.tokenCount
        var passes = [UInt8](repeating: 0, count: rows)
        var hits: [Int: (tokens: Int, peak: Double)] = [:]
        var magnitudes = [Float](repeating: 0, count: d)
        for r in 0..<rows {
            for c in 0..<d { magnitudes[c] = Swift.abs(x[r * d + c]) }
            let bar = Swift.max(abs, ratio * median(magnitudes))
            for c in 0..<d where Double(magnitudes[c]) > bar {
                passes[r] = 1
                let old = hits[c] ?? (0, 0)
                hits[c] = (old.tokens + 1, Swift.max(old.peak, Double(magnitudes[c])))
            }
        }
        let dims = hits.sorted { $0.key < $1.key }.map {
            DimensionHit(dimension: $0.key, tokens: $0.value.tokens, peak: $0.value.peak)
        }
        return SinkCriterion(passes: passes, threshold: abs, dimensions: dims)
    }
}
