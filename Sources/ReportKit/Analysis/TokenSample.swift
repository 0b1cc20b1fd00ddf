import Support
import Foundation
import LinearAlgebra
import SinkAnalysis

/// A seeded subsample of a store's tokens for the analyses that read hidden states (CKA, PCA):
/// evenly spaced images, then (image, position) pairs drawn without replacement.
///
/// The same seed and store give the same sample, and two stores with the same images and token
/// layout get the same pairs (the cross-store CKA compares row for row).
struct TokenSample: Sendable, Equatable {
    /// Store image indices, ascending.
    var images: [Int]
    /// Flat indices `slot * T + token` into the `[s, T]` tokens of `images`, ascending.
    var picks: [Int]
    var tokens: Int

    /// - Parameters:
    ///   - imageCount: n; `tokens`: T.
    ///   - maxImages: at most this many images, evenly spaced over the store.
    ///   - maxTokens: at most this many (image, token) pairs.
    static func make(imageCount n: Int, tokens t: Int, maxImages: Int, maxTokens: Int, seed: UInt64) -> TokenSample {
        let s = min(n, maxImages)
        let images = s == n ? Array(0..<n) : (0..<s).map { $0 * n / s }
        return TokenSample(images: images, picks: draw(count: maxTokens, from: s * t, seed: seed), tokens: t)
    }

    /// `count` distinct indices of `0..<total` (all when total ≤ count), ascending, by a partial
    /// Fisher–Yates shuffle with SinkAnalysis's seeded generator.
    static func draw(count: Int, from total: Int, seed: UInt64) -> [Int] {
        guard total > count else { return Array(0..<total) }
        var pool = Array(0..<total)
        var rng = SeededGenerator(seed: seed)
        for i in 0..<count {
            let j = i + rng.below(total - i)
            pool.swapAt(i, j)
        }
        return pool[0..<count].sorted()
    }

    /// The picked rows of hidden states `[s, T, D]` of the sampled images, as `[m, D]`.
    func rows(of hidden: [Float], hiddenSize d: Int) -> Matrix {
        var values = [Float](repeating: 0, count: picks.count * d)
        for (r, k) in picks.enumerated() {
            values.replaceSubrange((r * d)..<((r + 1) * d), with: hidden[(k * d)..<((k + 1) * d)])
        }
        return Matrix(rows: picks.count, cols: d, values: values)
    }
}
