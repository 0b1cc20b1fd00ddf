// Shape letters: n images, T tokens, D hidden, H heads, I MLP width, L blocks; b a block index (0-based).

/// A named point in the forward pass where an activation can be read (and, in a later issue,
/// changed), named after the model's structure as TransformerLens does. Every point exists for every
/// family. Blocks count from 0 like the checkpoints (`encoder.layer.3` is `blocks.3`); the store's
/// layers count outputs, so `blocks.{b}.resid_post` is `hidden.{b+1}` and `embed` is `hidden.0`.
///
/// The forward asks a `Set<HookPoint>` whether a point is wanted and does nothing extra when it is
/// not, so unattached points cost one set lookup per block.
public enum HookPoint: Hashable, Sendable, CustomStringConvertible {
    /// `embed` [n, T, D]: the stream entering block 0 (after CLIP's pre-norm) = hidden.0.
    case embed
    /// `blocks.{b}.resid_pre` [n, T, D]: the stream entering block b (= hidden.{b}); hooks only.
    case residPre(block: Int)
    /// `blocks.{b}.attn.logits` [n, H, T, T]: scaled q·k scores before the softmax; hooks only.
    case attnLogits(block: Int)
    /// `blocks.{b}.attn.v` [n, T, D]: the value vectors (heads side by side); hooks only.
    case attnValues(block: Int)
    /// `blocks.{b}.attn.pattern` [n, H, T, T]: attention probabilities (head, query, key).
    case attnPattern(block: Int)
    /// `blocks.{b}.attn.received` [n, T]: head-mean column sums of the pattern (attention received).
    case attnReceived(block: Int)
    /// `blocks.{b}.attn.out` [n, T, D]: the attention branch after W_o, before layer scale and residual.
    case attnOut(block: Int)
    /// `blocks.{b}.resid_mid` [n, T, D]: the stream between the attention and MLP halves.
    case residMid(block: Int)
    /// `blocks.{b}.mlp.post` [n, T, I]: the MLP hidden after the nonlinearity (gated: act(gate) ⊙ up).
    case mlpPost(block: Int)
    /// `blocks.{b}.mlp.out` [n, T, D]: the MLP branch after fc2, before layer scale and residual.
    case mlpOut(block: Int)
    /// `blocks.{b}.resid_post` [n, T, D]: block b's output = hidden.{b+1}.
    case residPost(block: Int)
    /// `final_norm` [n, T, D]: the final norm over every token = HF `last_hidden_state` (families with one).
    case finalNorm

    public var description: String {
        switch self {
        case .embed: return "embed"
        case .residPre(let b): return "blocks.\(b).resid_pre"
        case .attnLogits(let b): return "blocks.\(b).attn.logits"
        case .attnValues(let b): return "blocks.\(b).attn.v"
        case .attnPattern(let b): return "blocks.\(b).attn.pattern"
        case .attnReceived(let b): return "blocks.\(b).attn.received"
        case .attnOut(let b): return "blocks.\(b).attn.out"
        case .residMid(let b): return "blocks.\(b).resid_mid"
        case .mlpPost(let b): return "blocks.\(b).mlp.post"
        case .mlpOut(let b): return "blocks.\(b).mlp.out"
        case .residPost(let b): return "blocks.\(b).resid_post"
        case .finalNorm: return "final_norm"
        }
    }

    /// The hidden state of store layer l (0 = embeddings, l = output of block l - 1).
    public static func hidden(layer l: Int) -> HookPoint { l == 0 ? .embed : .residPost(block: l - 1) }
}

extension CaptureRequest {
    /// The hook points this request reads, for a model of `blocks` blocks.
    func hookPoints(blocks: Int) -> Set<HookPoint> {
        var points = Set(hiddenLayers.filter { (0...blocks).contains($0) }.map(HookPoint.hidden(layer:)))
        for b in 0..<blocks {
            if received || values { points.insert(.attnReceived(block: b)) }   // values read the per-head partials
            if attentionLayers.contains(b + 1) { points.insert(.attnPattern(block: b)) }
        }
        if finalLayerNorm { points.insert(.finalNorm) }
        return points
    }
}

extension ImageCapture {
    /// Files one image's values of a captured hook point under its store name. Points the store has
    /// no field for yet (attn.out, resid_mid, mlp.post, mlp.out) are never requested by `CaptureRequest`.
    /// `values` holds `tokens` rows of `width` followed by the extra tokens' rows (test-time registers),
    /// which go to `extra` so every other field keeps the image's T tokens.
    mutating func keep(_ point: HookPoint, _ values: [Float], tokens: Int, width: Int) {
        let split = tokens * width
        guard let extra, extra.count > 0, values.count > split else { return keep(point, values) }
        keep(point, Array(values[..<split]))
        let rest = Array(values[split...])
        switch point {
        case .embed: self.extra?.hidden[0] = rest
        case .residPost(let b): self.extra?.hidden[b + 1] = rest
        case .attnReceived(let b): self.extra?.received[b + 1] = rest
        default: break
        }
    }

    mutating func keep(_ point: HookPoint, _ values: [Float]) {
        switch point {
        case .embed: hidden[0] = values
        case .residPost(let b): hidden[b + 1] = values
        case .attnPattern(let b): attention[b + 1] = values
        case .attnReceived(let b): received[b + 1] = values
        case .finalNorm: lastHiddenState = values
        case .attnOut, .residMid, .mlpPost, .mlpOut, .residPre, .attnLogits, .attnValues: break
        }
    }
}
