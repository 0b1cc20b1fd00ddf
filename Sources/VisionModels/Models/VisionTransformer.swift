// Shape letters: D hidden, H heads, I MLP width, L blocks, C channels, P patch size, G0 trained patch grid side.

/// What the shared pre-LN forward needs to know about an architecture.
public struct TransformerSpec: Sendable, Codable, Equatable {
    /// HF class name: "Dinov2Model", "CLIPVisionModel" or "ViTModel".
    public var architecture: String
    public var hiddenSize: Int
    public var heads: Int
    public var layers: Int
    public var intermediateSize: Int
    public var patchSize: Int
    /// The input size the position embeddings were trained at.
    public var imageSize: Int
    public var channels: Int
    public var layerNormEps: Float
    public var activation: Activation
    /// DINOv2 always resizes its position embeddings to the input grid (HF `interpolate_pos_encoding`);
    /// HF's ViT and CLIP require the trained size unless asked, and so does SinkScope.
    public var interpolatesPositions: Bool
    /// CLS and register tokens before the patch tokens (1 for all three architectures).
    public var prefixTokens: Int
}

/// LayerNorm parameters, gamma and beta [D].
struct LayerNormWeights: Sendable {
    var gamma: [Float]
    var beta: [Float]
}

/// An `nn.Linear` in HF layout: weight [outputs, inputs], bias [outputs] or nil.
struct LinearWeights: Sendable {
    var weight: [Float]
    var bias: [Float]?
    var outputs: Int
    var inputs: Int
}

/// One pre-LN encoder block:
/// x = x + s1 ⊙ Attn(LN1(x)); x = x + s2 ⊙ MLP(LN2(x)), with s1 = s2 = 1 when there is no layer scale.
struct EncoderBlockWeights: Sendable {
    var norm1: LayerNormWeights
    /// Query, key and value projections stacked as rows q | k | v: weight [3D, D], bias [3D].
    /// Stacking is a runtime layout for one BLAS call instead of three; the stored tensors are unchanged.
    var qkv: LinearWeights
    var attentionOutput: LinearWeights   // [D, D]
    var layerScale1: [Float]?            // [D] (DINOv2)
    var norm2: LayerNormWeights
    var fc1: LinearWeights               // [I, D]
    var fc2: LinearWeights               // [D, I]
    var layerScale2: [Float]?            // [D] (DINOv2)
}

/// Patch, class and position embeddings.
struct EmbeddingWeights: Sendable {
    var cls: [Float]                     // [D]
    /// The Conv2d(C, D, P, stride P) as a linear map on flattened patches: weight [D, C·P·P] (the conv
    /// weight [D, C, P, P] read row-major, i.e. the same bytes), bias [D] or nil (CLIP has none).
    var patch: LinearWeights
    var positions: [Float]               // [1 + G0², D]: CLS position, then the G0 × G0 grid row-major
    var positionGrid: Int                // G0
    var preNorm: LayerNormWeights?       // CLIP's pre_layrnorm
}

/// A loaded ViT backbone: spec + weights, ready for `forward`.
public struct VisionTransformer: Sendable {
    public let spec: TransformerSpec
    let embeddings: EmbeddingWeights
    let blocks: [EncoderBlockWeights]
    /// The final LayerNorm (DINOv2 and ViT `layernorm`); CLIP's post_layernorm only touches the pooled
    /// CLS output, which SinkScope does not capture, so it is nil there.
    let finalNorm: LayerNormWeights?

    /// Token count for an input of `height` × `width` pixels.
    public func tokens(height: Int, width: Int) -> Int {
        spec.prefixTokens + (height / spec.patchSize) * (width / spec.patchSize)
    }
}

// MARK: - Reading named tensors

extension ModelWeights {
    func layerNorm(_ name: String, width d: Int) throws -> LayerNormWeights {
        LayerNormWeights(gamma: try tensor(name + ".weight", shape: [d]), beta: try tensor(name + ".bias", shape: [d]))
    }

    func linear(_ name: String, outputs: Int, inputs: Int, bias: Bool = true) throws -> LinearWeights {
        LinearWeights(
            weight: try tensor(name + ".weight", shape: [outputs, inputs]),
            bias: bias ? try tensor(name + ".bias", shape: [outputs]) : nil, outputs: outputs, inputs: inputs)
    }

    /// Stacks the q, k, v projections of one block into one [3D, D] linear.
    func stackedQKV(query: String, key: String, value: String, width d: Int, bias: Bool) throws -> LinearWeights {
        let parts = try [query, key, value].map { try linear($0, outputs: d, inputs: d, bias: bias) }
        return LinearWeights(
            weight: parts.flatMap(\.weight), bias: bias ? parts.flatMap { $0.bias ?? [] } : nil,
            outputs: 3 * d, inputs: d)
    }
}
