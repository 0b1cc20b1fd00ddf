// Shape letters: D hidden, H heads, I MLP width, L blocks, C channels, P patch size, G0 trained patch grid side.

/// Everything the one forward pass needs to know about a ViT family: sizes, the embedding, one
/// `BlockDescription` shared by all L blocks, and the final norm.
///
/// A family (DINOv2, CLIP vision, ViT, ...) is this value plus a `WeightMap`; the forward and the
/// loader read nothing else. Cases the forward does not run yet (rotary positions, windowed
/// attention, QK-norm, Conv3d patches) are described so a family can say what it is; the forward
/// rejects them with `ModelError.notImplemented` before touching any buffer.
public struct ArchitectureDescription: Sendable, Codable, Equatable {
    /// HF class name: "Dinov2Model", "CLIPVisionModel", "ViTModel", ... (also written to the store).
    public var architecture: String
    public var hiddenSize: Int
    public var heads: Int
    public var layers: Int
    /// I: the MLP hidden width (for a gated MLP, the width of each of gate and up).
    public var intermediateSize: Int
    public var patchSize: Int
    /// The input size the position embeddings were trained at.
    public var imageSize: Int
    public var channels: Int
    public var embedding: EmbeddingDescription
    public var block: BlockDescription
    /// A norm over every token after the last block, giving HF's `last_hidden_state` (DINOv2 and ViT
    /// `layernorm`, SigLIP `post_layernorm`); nil when there is none over the token sequence (CLIP's
    /// `post_layernorm` touches only the pooled CLS, which SinkScope does not capture).
    public var finalNorm: Norm?

    public init(
        architecture: String, hiddenSize: Int, heads: Int, layers: Int, intermediateSize: Int, patchSize: Int,
        imageSize: Int, channels: Int, embedding: EmbeddingDescription, block: BlockDescription, finalNorm: Norm?
    ) {
        self.architecture = architecture
        self.hiddenSize = hiddenSize
        self.heads = heads
        self.layers = layers
        self.intermediateSize = intermediateSize
        self.patchSize = patchSize
        self.imageSize = imageSize
        self.channels = channels
        self.embedding = embedding
        self.block = block
        self.finalNorm = finalNorm
    }

    /// CLS and register tokens before the patch tokens.
    public var prefixTokens: Int { embedding.prefix.count }
    /// G0: the side of the patch grid the learned positions were trained at.
    public var trainedGrid: Int { imageSize / patchSize }
}

/// How pixels become the first residual stream: patches, prefix tokens, positions, an optional norm.
public struct EmbeddingDescription: Sendable, Codable, Equatable {
    public var patch: PatchEmbedding
    public var prefix: PrefixTokens
    public var positions: PositionScheme
    /// A norm over every token right after the embeddings (CLIP's `pre_layrnorm`); hidden.0 is its output.
    public var preNorm: Norm?

    public init(patch: PatchEmbedding, prefix: PrefixTokens, positions: PositionScheme, preNorm: Norm? = nil) {
        self.patch = patch
        self.prefix = prefix
        self.positions = positions
        self.preNorm = preNorm
    }
}

/// The patch projection.
public enum PatchEmbedding: Sendable, Codable, Equatable {
    /// Conv2d(C, D, P, stride P), run as im2col + one matrix product; weight [D, C, P, P], bias [D] or none (CLIP).
    case conv2d(bias: Bool)
    /// Conv3d over `temporalPatch` frames (Qwen2.5-VL, which repeats a still image): weight [D, C, Tp, P, P].
    case conv3d(temporalPatch: Int, bias: Bool)
}

/// The tokens before the patch tokens, in this order: `cls` class tokens, then `registers` register
/// tokens (Darcet et al. 2023). Learned positions, when there are any, cover the class tokens and the
/// patches, never the registers (HF `Dinov2WithRegisters` adds them after the positions).
public struct PrefixTokens: Sendable, Codable, Equatable {
    public var cls: Int
    public var registers: Int

    public init(cls: Int, registers: Int = 0) {
        self.cls = cls
        self.registers = registers
    }

    public static let none = PrefixTokens(cls: 0)
    public static let cls = PrefixTokens(cls: 1)

    public var count: Int { cls + registers }
}

/// Where a token's position enters.
public enum PositionScheme: Sendable, Codable, Equatable {
    /// Learned embeddings [cls + G0², D] added once, usable only at the trained grid (HF ViT, CLIP).
    case absolute
    /// The same learned embeddings, the grid part resized bicubically to the input grid (DINOv2,
    /// InternViT, SigLIP: HF's `interpolate_pos_encoding`, `torch.nn.functional.interpolate(mode="bicubic",
    /// align_corners=False)`).
    case interpolated
    /// As `.interpolated`, resized with PyTorch's *antialiased* bicubic (`antialias=True`: Keys a = −0.5,
    /// support widened by the scale when shrinking, weights normalised): HF's `dinov2_with_registers`.
    case interpolatedAntialiased
    /// 2-D rotary embeddings applied to q and k of the patch tokens in every block (Qwen2.5-VL,
    /// DINOv3); nothing is added to the stream. See `RotaryCoordinates` and `RotaryTable`.
    case rotary2D(theta: Float, coordinates: RotaryCoordinates = .patchIndex)
}
