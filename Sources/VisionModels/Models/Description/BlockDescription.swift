/// One pre-norm encoder block, the same for all L blocks of a model:
///
///     x = x + s1 ⊙ W_o · Attention(norm1(x))          s1 = 1 without layer scale
///     x = x + s2 ⊙ MLP(norm2(x))                       s2 = 1 without layer scale
///     MLP(h) = fc2(act(fc1(h)))                       plain
///     MLP(h) = down(act(gate(h)) ⊙ up(h))             gated (SwiGLU and kin)
public struct BlockDescription: Sendable, Codable, Equatable {
    /// norm1 and norm2.
    public var norm: Norm
    public var activation: Activation
    public var mlp: MLPKind
    /// Per-channel scales s1, s2 [D] on both branches (DINOv2, InternViT, DINOv3).
    public var layerScale: Bool
    public var attention: AttentionPattern
    /// A norm on q and on k before the heads split (InternViT's `use_qk_norm`, over all D channels); nil for none.
    public var qkNorm: Norm?
    public var biases: BlockBiases

    public init(
        norm: Norm, activation: Activation, mlp: MLPKind = .plain, layerScale: Bool = false,
        attention: AttentionPattern = .full, qkNorm: Norm? = nil, biases: BlockBiases = .all
    ) {
        self.norm = norm
        self.activation = activation
        self.mlp = mlp
        self.layerScale = layerScale
        self.attention = attention
        self.qkNorm = qkNorm
        self.biases = biases
    }
}

/// A normalisation over the D channels of each token, with its epsilon.
public struct Norm: Sendable, Codable, Equatable {
    public var kind: NormKind
    public var eps: Float

    public init(_ kind: NormKind, eps: Float) {
        self.kind = kind
        self.eps = eps
    }
}

public enum NormKind: String, Sendable, Codable, Equatable {
    /// (x - mean) / √(var + eps) · γ + β: weight and bias [D].
    case layerNorm
    /// x / √(mean(x²) + eps) · γ: weight [D], no bias (Qwen2.5-VL, InternViT-6B).
    case rmsNorm
}

public enum MLPKind: String, Sendable, Codable, Equatable {
    /// fc1 [I, D], act, fc2 [D, I].
    case plain
    /// gate [I, D] and up [I, D], act(gate) ⊙ up, down [D, I].
    case gated
}

/// Which keys each query sees.
public enum AttentionPattern: Sendable, Codable, Equatable {
    /// Every token attends to every token of its image.
    case full
    /// Tokens attend within windows of `window` × `window` patches, except in the blocks listed in
    /// `fullAttentionBlocks` (0-based), which attend fully (Qwen2.5-VL). Windows tile the patch grid
    /// from its top-left corner (the last row and column of windows may be smaller); prefix tokens,
    /// if any, attend only among themselves in windowed blocks.
    case windowed(window: Int, fullAttentionBlocks: [Int])
}

/// Which of a block's projections carry a bias (ViT's `qkv_bias = false` drops the q, k, v ones).
public struct BlockBiases: Sendable, Codable, Equatable {
    public var qkv: Bool
    public var attentionOutput: Bool
    public var mlp: Bool
    /// The key projection's bias when it differs from q and v (DINOv3: `key_bias = false` while
    /// `query_bias` and `value_bias` are true); nil means the same as `qkv`.
    public var key: Bool?

    public init(qkv: Bool, attentionOutput: Bool, mlp: Bool, key: Bool? = nil) {
        self.qkv = qkv
        self.attentionOutput = attentionOutput
        self.mlp = mlp
        self.key = key
    }

    public static let all = BlockBiases(qkv: true, attentionOutput: true, mlp: true)
}
