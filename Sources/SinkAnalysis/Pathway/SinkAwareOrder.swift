import Foundation
import TensorFiles

/// Per image, the order that moves the ViT sink tokens to the front of the visual sequence
/// (the seed paper's reordering), and the sink / non-sink split for dual-projector training.
///
/// The permutation is stable: sinks in their original order, then the other tokens in theirs.
/// `permutation[k]` is the original visual token at new slot k, so `x_new = x[permutation]`;
/// `inverse[j]` is the slot of original token j (`x = x_new[inverse]`). `positionIDs[k]` is the
/// original LLM position of the token at slot k: moving a token does not change its position id.
///
///     let order = try SinkAwareOrder(sinkMask: [0, 1, 0, 1], visualTokens: 4, positions: [5, 6, 7, 8])
///     order.permutation   // [1, 3, 0, 2]
///     order.positionIDs   // [6, 8, 5, 7]
public struct SinkAwareOrder: Sendable, Equatable {
    /// n and P.
    public var imageCount: Int
    public var visualTokens: Int
    /// `[n, P]` original visual token index at each new slot.
    public var permutation: [Int]
    /// `[n, P]` new slot of each original visual token.
    public var inverse: [Int]
    /// `[n, P]` LLM position id of the token at each new slot.
    public var positionIDs: [Int]
    /// `[n, P]` 1 where the original token is a sink (original order).
    public var sinkMask: [UInt8]
    /// `[n]` sinks per image: slots `0 ..< sinkCounts[i]` hold the sinks.
    public var sinkCounts: [Int]

    /// - Parameters:
    ///   - sinkMask: `[n, P]` nonzero for sinks.
    ///   - positions: `[n, P]` LLM position of each visual token; nil uses the patch index p.
    /// - Throws: `PathwayError.shapeMismatch` when the lengths are not n × P.
    public init(sinkMask: [UInt8], visualTokens p: Int, positions: [Int]? = nil) throws {
        guard p > 0, sinkMask.count % p == 0 else {
            throw PathwayError.shapeMismatch(what: "sink mask", expected: (sinkMask.count / max(p, 1) + 1) * max(p, 1), actual: sinkMask.count)
        }
        if let positions, positions.count != sinkMask.count {
            throw PathwayError.shapeMismatch(what: "visual positions", expected: sinkMask.count, actual: positions.count)
        }
        let n = sinkMask.count / p
        imageCount = n
        visualTokens = p
        self.sinkMask = sinkMask.map { $0 != 0 ? 1 : 0 }
        var permutation: [Int] = [], counts: [Int] = []
        permutation.reserveCapacity(n * p)
        for i in 0..<n {
            let row = (0..<p).map { sinkMask[i * p + $0] != 0 }
            let sinks = (0..<p).filter { row[$0] }
            permutation += sinks + (0..<p).filter { !row[$0] }
            counts.append(sinks.count)
        }
        var inverse = [Int](repeating: 0, count: n * p)
        for i in 0..<n { for k in 0..<p { inverse[i * p + permutation[i * p + k]] = k } }
        self.permutation = permutation
        self.inverse = inverse
        sinkCounts = counts
        positionIDs = (0..<(n * p)).map { k in
            let original = (k / p) * p + permutation[k]
            return positions?[original] ?? permutation[k]
        }
    }

    /// The safetensors tensors of the export (keys in docs/lvlm.md).
    public func tensors() -> [(name: String, tensor: Tensor)] {
        let shape = [imageCount, visualTokens]
        return [
            ("order.permutation", Tensor(int64s: permutation.map(Int64.init), shape: shape)),
            ("order.inverse", Tensor(int64s: inverse.map(Int64.init), shape: shape)),
            ("order.position_ids", Tensor(int64s: positionIDs.map(Int64.init), shape: shape)),
            ("split.sink_mask", Tensor(bytes: sinkMask, shape: shape)),
            ("split.sink_count", Tensor(int64s: sinkCounts.map(Int64.init), shape: [imageCount])),
        ]
    }
}
