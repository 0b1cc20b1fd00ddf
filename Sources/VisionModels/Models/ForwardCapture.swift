/// What a forward pass keeps. Layers are numbered as in the store: 0 is the embedding output (after
/// CLIP's pre-layernorm), l = 1...L the output of block l — the residual stream *before* any final
/// LayerNorm, exactly HF's `hidden_states[l]` (so `hidden.{L}` is not HF's `last_hidden_state`).
public struct CaptureRequest: Sendable, Equatable {
    /// Layers whose hidden states are returned (norms are always computed for every layer).
    public var hiddenLayers: Set<Int>
    /// Compute the attention received by each token for blocks 1...L.
    public var received: Bool
    /// Return the full attention probabilities for these layers (1...L).
    public var attentionLayers: Set<Int>
    /// Also return HF's `last_hidden_state`: block L's output after the final LayerNorm (DINOv2, ViT).
    public var finalLayerNorm: Bool
    /// Also return the patch merger's output (Qwen2.5-VL: what the LLM receives), for families with one.
    public var merged: Bool
    /// Per block, each token's head-mean value norm and the norm of what it adds to the attention
    /// output (`VisionTransformer.valueContributions`; `--capture values`).
    public var values: Bool

    public init(
        hiddenLayers: Set<Int>, received: Bool = false, attentionLayers: Set<Int> = [], finalLayerNorm: Bool = false, merged: Bool = false,
        values: Bool = false
    ) {
        self.values = values
        self.hiddenLayers = hiddenLayers
        self.received = received
        self.attentionLayers = attentionLayers
        self.finalLayerNorm = finalLayerNorm
        self.merged = merged
    }

    /// Every layer 0...L, with received attention.
    public static func all(layers: Int, received: Bool = true) -> CaptureRequest {
        CaptureRequest(hiddenLayers: Set(0...layers), received: received)
    }
}

/// The activations of one image (T tokens, D hidden, H heads, L blocks).
public struct ImageCapture: Sendable {
    /// layer → hidden states [T, D] row-major, for the requested layers.
    public var hidden: [Int: [Float]] = [:]
    /// Token L2 norms of every layer, [L+1, T].
    public var norms: [Float] = []
    /// layer (1...L) → attention received [T]: mean over heads of Σ_queries P[h, query, token]. Each
    /// value is in [0, T] and they sum to T. Layer 0 has none (no attention happens before block 1).
    public var received: [Int: [Float]] = [:]
    /// layer (1...L) → attention probabilities [H, T, T] (head, query, key), only when requested.
    public var attention: [Int: [Float]] = [:]
    /// layer (1...L) → head-mean value-vector norm [T] (`value_norm.{l}`), when `values` was requested.
    public var valueNorms: [Int: [Float]] = [:]
    /// layer (1...L) → norm of each token's query-averaged contribution to the attention output [T]
    /// (`value_out.{l}`), when `values` was requested.
    public var valueOutputs: [Int: [Float]] = [:]
    /// HF `last_hidden_state` [T, D], when requested and the model has a final LayerNorm.
    public var lastHiddenState: [Float]?
    /// [D]: the output of a pooling head that reads the token sequence (SigLIP's attention pool), when the
    /// family has one and `finalLayerNorm` was asked for; not a token, so not in the store's `hidden.{l}`.
    public var pooled: [Float]?
    /// The patch merger's output [T/4, D_llm] in 2×2-unit row-major order, when requested (Qwen2.5-VL).
    public var merged: [Float]?
    /// The tokens appended after the image's T tokens (test-time registers), nil when there are none.
    public var extra: ExtraTokenCapture?

    public init() {}

    init(extraTokens: Int) {
        if extraTokens > 0 { extra = ExtraTokenCapture(count: extraTokens) }
    }
}

/// The appended extra tokens (E of them; test-time registers) of one image, kept apart from its T tokens.
public struct ExtraTokenCapture: Sendable {
    public var count: Int
    /// layer → hidden states [E, D], for the requested layers.
    public var hidden: [Int: [Float]] = [:]
    /// Token L2 norms of every layer, [L+1, E].
    public var norms: [Float] = []
    /// layer (1...L) → attention received [E] (head-mean column sum over all T + E queries).
    public var received: [Int: [Float]] = [:]
}
