import Foundation
import TestSupport
@testable import SinkAnalysis

/// Constructed layers with planted sinks, shared by the detection tests.
///
/// n = 3 images, T = 1 CLS + 16 patches, D = 64. Patch and CLS entries are uniform in [-1, 1]
/// (CLS scaled by 3), so ordinary norms are ≈ 4.6 and the CLS norm ≈ 14. Six planted sinks, two per
/// image, carry a massive activation 1200 in dimension 2; one of them also has -900 in dimension 5.
/// Received attention: each sink 4.0, CLS 3.0, the 14 other patches share the rest of T = 17.
enum PlantedLayer {
    static let n = 3, tokens = 17, d = 64, prefix = 1
    static let sinks: Set<SinkPosition> = [
        .init(image: 0, token: 5), .init(image: 0, token: 9), .init(image: 1, token: 3),
        .init(image: 1, token: 14), .init(image: 2, token: 12), .init(image: 2, token: 16),
    ]
    static let massiveValue: Float = 1200

    static func hidden(seed: UInt64 = 7) -> [Float] {
        var rng = TestRandom(seed: seed)
        var x = (0..<(n * tokens * d)).map { _ in Float(rng.uniform() * 2 - 1) }
        for i in 0..<n { for c in 0..<d { x[(i * tokens) * d + c] *= 3 } }
        for s in sinks { x[(s.image * tokens + s.token) * d + 2] = massiveValue }
        x[(0 * tokens + 9) * d + 5] = -900
        return x
    }

    static func received() -> [Float] {
        var r = [Float](repeating: 0, count: n * tokens)
        for i in 0..<n {
            let rest = Float(tokens) - 3 - 2 * 4
            for t in 0..<tokens { r[i * tokens + t] = rest / 14 }
            r[i * tokens] = 3
            for s in sinks where s.image == i { r[i * tokens + s.token] = 4 }
        }
        return r
    }

    static func layer(hidden: [Float]? = nil, received: [Float]?? = nil) throws -> LayerActivations {
        try LayerActivations(
            layer: 4, imageCount: n, tokenCount: tokens, hiddenSize: d, prefixTokens: prefix,
            hidden: hidden ?? Self.hidden(), received: received ?? Self.received(), source: "planted")
    }
}
