// Shape letters: D hidden, H heads, I MLP width, L blocks, C channels, P patch size, G0 trained patch grid side,
// R register tokens.

/// A norm's parameters [D]; which kind is also in the `ArchitectureDescription`, eps only there.
enum NormWeights: Sendable {
    case layerNorm(gamma: [Float], beta: [Float])
    case rmsNorm(gamma: [Float])
}

/// An `nn.Linear` in HF layout: weight [outputs, inputs], bias [outputs] or nil.
struct LinearWeights: Sendable {
    var weight: [Float]
    var bias: [Float]?
    var outputs: Int
    var inputs: Int
}

/// One encoder block's parameters, laid out for the forward (see `BlockDescription` for the math).
struct EncoderBlockWeights: Sendable {
    var norm1: NormWeights
    /// Query, key and value projections stacked as rows q | k | v: weight [3D, D], bias [3D].
    /// Stacking is a runtime layout for one BLAS call instead of three; the stored tensors are unchanged.
    var qkv: LinearWeights
    var queryNorm: NormWeights?          // [D] (QK-norm)
    var keyNorm: NormWeights?            // [D] (QK-norm)
    var attentionOutput: LinearWeights   // [D, D]
    var layerScale1: [Float]?            // [D]
    var norm2: NormWeights
    /// Plain MLP: fc1 [I, D]. Gated MLP: gate and up stacked as rows gate | up, [2I, D] (one BLAS call).
    var fc1: LinearWeights
    var fc2: LinearWeights               // [D, I] (down for a gated MLP)
    var layerScale2: [Float]?            // [D]
}

/// Patch, class, register and position embeddings.
struct EmbeddingWeights: Sendable {
    var cls: [Float]?                    // [D], when the family has a class token
    var registers: [Float]?              // [R, D], when it has registers
    /// The Conv2d(C, D, P, stride P) as a linear map on flattened patches: weight [D, C·P·P] (the conv
    /// weight [D, C, P, P] read row-major, i.e. the same bytes), bias [D] or nil (CLIP has none).
    var patch: LinearWeights
    /// [cls + G0², D]: the class token's position, then the G0 × G0 grid row-major; nil for rotary positions.
    var positions: [Float]?
    var positionGrid: Int                // G0
    var preNorm: NormWeights?            // CLIP's pre_layrnorm
}

/// A loaded ViT backbone: its description + weights, ready for `forward`.
public struct VisionTransformer: Sendable {
    public let spec: ArchitectureDescription
    let embeddings: EmbeddingWeights
    let blocks: [EncoderBlockWeights]
    /// The norm over every token after the last block (`spec.finalNorm`), or nil.
    let finalNorm: NormWeights?
    /// A pooling head read after the final norm (SigLIP's attention pool), or nil.
    var poolingHead: AttentionPoolWeights? = nil
    /// Qwen2.5-VL's 2×2 patch merger, the tower's output to the LLM (`CaptureRequest.merged`); nil for other families.
    var merger: PatchMerger? = nil

    /// D_llm, the width of the patch merger's output tokens, when the model has a merger (for counting its work).
    public var mergerOutputWidth: Int? { merger?.fc2.outputs }

    /// Token count for an input of `height` × `width` pixels.
    public func tokens(height: Int, width: Int) -> Int {
        spec.prefixTokens + (height / spec.patchSize) * (width / spec.patchSize)
    }
}
