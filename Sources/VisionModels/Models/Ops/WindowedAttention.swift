import Support

// Shape letters: n images, T tokens per image, D hidden, H heads, gh × gw patch grid, Tw tokens of a window.

/// The token groups of windowed attention for one image, as token indices in SinkScope's order
/// (prefix tokens, then the patch grid row-major): the prefix tokens (if any) form one group, then
/// each `window` × `window` tile of the grid, tiles row-major from the top-left corner (the last row
/// and column of tiles are cut by the grid's edge, as HF pads and then drops the padding).
///
/// Qwen2.5-VL computes the same groups after permuting its tokens into merge units and windows;
/// attention is the same function of a group whatever order its members are in.
func attentionWindows(prefix: Int, gridRows gh: Int, gridCols gw: Int, window w: Int) -> [[Int]] {
    var groups: [[Int]] = prefix > 0 ? [Array(0..<prefix)] : []
    for top in stride(from: 0, to: gh, by: w) {
        for left in stride(from: 0, to: gw, by: w) {
            var group: [Int] = []
            for r in top..<min(top + w, gh) {
                for c in left..<min(left + w, gw) { group.append(prefix + r * gw + c) }
            }
            groups.append(group)
        }
    }
    return groups
}

extension VisionTransformer {
    /// Attention restricted to `windows` (disjoint token groups covering all T tokens), for every
    /// image, spread over `threads` workers (one task per image × window).
    ///
    /// Each task copies its Tw rows of q | k | v into a contiguous [Tw, 3D] scratch, runs
    /// `attentionHead` for every head on it, and writes the context rows and the received partials
    /// back to the tokens' places. A token outside a query's window gets probability 0 from it, so
    /// received attention is still the head-mean column sum over all T queries, and `probs` hold
    /// zeros outside the windows. Tasks write disjoint token rows, so no locks are needed.
    /// - Parameters:
    ///   - context: output [n·T, D].
    ///   - qkv: [n·T, 3D].
    ///   - received: [n, H, T] zeroed partials, or nil.
    ///   - probs: per image [H, T, T] zeroed, or nil.
    func windowedMultiHeadAttention(
        _ context: FloatBuffer, _ qkv: FloatBuffer, images n: Int, tokens t: Int, windows: [[Int]], received: FloatBuffer?,
        probs: [FloatBuffer]?, threads: Int
    ) {
        let d = spec.hiddenSize, heads = spec.heads
        let largest = windows.map(\.count).max() ?? 0
        parallelFor(n * windows.count, threads: threads) { tasks in
            let rows = FloatBuffer(largest * 3 * d)        // gathered q | k | v [Tw, 3D]
            let out = FloatBuffer(largest * d)             // window context [Tw, D]
            let scores = FloatBuffer(largest * largest)    // one head's probabilities [Tw, Tw]
            let partial = FloatBuffer(largest)             // one head's received partial [Tw]
            for task in tasks {
                let image = task / windows.count, members = windows[task % windows.count], tw = members.count
                let base = image * t
                for (i, token) in members.enumerated() {
                    (rows.pointer + i * 3 * d).update(from: qkv.pointer + (base + token) * 3 * d, count: 3 * d)
                }
                for head in 0..<heads {
                    if received != nil { partial.pointer.update(repeating: 0, count: tw) }
                    attentionHead(
                        out.pointer, qkv: rows.pointer, head: head, tokens: tw, heads: heads, width: d, scores: scores.pointer,
                        received: received == nil ? nil : partial.pointer, receivedWeight: 1 / Float(heads))
                    if let received {
                        let slot = received.pointer + (image * heads + head) * t
                        for (i, token) in members.enumerated() { slot[token] = partial.pointer[i] }
                    }
                    if let probs {
                        let p = probs[image].pointer + head * t * t
                        for (i, query) in members.enumerated() {
                            for (j, key) in members.enumerated() { p[query * t + key] = scores.pointer[i * tw + j] }
                        }
                    }
                }
                for (i, token) in members.enumerated() {
                    (context.pointer + (base + token) * d).update(from: out.pointer + i * d, count: d)
                }
            }
        }
    }

    /// The token groups of block `b`'s attention, or nil when it attends fully.
    func attentionWindows(block b: Int, gridRows gh: Int, gridCols gw: Int) -> [[Int]]? {
        guard case let .windowed(window, fullAttentionBlocks) = spec.block.attention, !fullAttentionBlocks.contains(b) else {
            return nil
        }
        return VisionModels.attentionWindows(prefix: spec.prefixTokens, gridRows: gh, gridCols: gw, window: window)
    }
}
