// Shape letters: D hidden, H heads, I MLP width, L blocks, C channels, P patch size, G0 trained patch grid side,
// R register tokens.

/// A norm's parameters [D]; which kind is also in the `ArchitectureDescription`, eps only there.
enum NormWeights: Sendable {
    case layerNorm(gamma: [Float], beta: [Float])
    case rmsNorm(gamma: [Float])
}

/// An `nn.Linear` in HF layout: weight [outputs, inputs] (in place in a mapped F32 checkpoint when
/// it can be, see `ParameterValues`), bias [outputs] or nil.
struct LinearWeights: Sendable {
    var weight: ParameterValues
    var bias: [Float]?
    var outputs: Int
    var inputs: Int
}

/// Linears that read the same input, stacked by output rows (q | k | v, gate | up) into one output
/// whose column blocks they fill in order. Parts whose weights lie back to back (the row blocks of a
/// fused checkpoint tensor) are joined into one at load time, so they take one matrix product;
/// separate tensors stay apart and take one product each, read in place instead of copied together.
struct LinearStack: Sendable {
    private(set) var parts: [LinearWeights]
    let inputs: Int
    /// Σ outputs of the parts: the row width of the stacked output.
    let outputs: Int

    init(_ parts: [LinearWeights]) {
        precondition(!parts.isEmpty && parts.allSatisfy { $0.inputs == parts[0].inputs }, "internal: stacked linears need one input width")
        inputs = parts[0].inputs
        outputs = parts.reduce(0) { $0 + $1.outputs }
        var joined: [LinearWeights] = []
        for part in parts {
            if let last = joined.last, last.weight.base + last.weight.count == part.weight.base {
                // Back to back: one weight in place. A missing bias among present ones is zeros (adding 0 is what no bias means).
                let bias: [Float]? = last.bias == nil && part.bias == nil ? nil
                    : (last.bias ?? [Float](repeating: 0, count: last.outputs)) + (part.bias ?? [Float](repeating: 0, count: part.outputs))
                joined[joined.count - 1] = LinearWeights(
                    weight: ParameterValues.stacking([last.weight, part.weight]), bias: bias,
                    outputs: last.outputs + part.outputs, inputs: inputs)
            } else {
                joined.append(part)
            }
        }
        self.parts = joined
    }
}

/// One encoder block's parameters, laid out for the forward (see `BlockDescription` for the math).
struct EncoderBlockWeights: Sendable {
    var norm1: NormWeights
    /// Query, key and value projections stacked as rows q | k | v: output [·, 3D].
    var qkv: LinearStack
    var queryNorm: NormWeights?          // [D] (QK-norm)
    var keyNorm: NormWeights?            // [D] (QK-norm)
    var attentionOutput: LinearWeights   // [D, D]
    var layerScale1: [Float]?            // [D]
    var norm2: NormWeights
    /// Plain MLP: fc1 [I, D]. Gated MLP: gate and up stacked as rows gate | up, output [·, 2I].
    var fc1: LinearStack
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
