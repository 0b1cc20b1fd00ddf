/// The structural name of a parameter, the same for every family (TransformerLens-like paths):
/// `embed.cls`, `embed.patch.weight`, `blocks.3.attn.q.weight`, `blocks.3.mlp.fc1.bias`, `final_norm.weight`.
/// Blocks count from 0, like the checkpoints' `encoder.layer.{i}`.
public enum ParameterName: Hashable, Sendable, CustomStringConvertible {
    case embed(EmbedParameter)
    case block(Int, BlockParameter, ParameterPart)
    case finalNorm(ParameterPart)

    public enum EmbedParameter: Hashable, Sendable {
        case cls                        // [D] (one class token)
        case registers                  // [registers, D]
        case patch(ParameterPart)       // weight [D, C, P, P] (Conv3d: [D, C, Tp, P, P]), bias [D]
        case positions                  // [cls + G0², D]
        case preNorm(ParameterPart)     // [D]
    }

    public enum BlockParameter: String, Hashable, Sendable {
        case norm1 = "norm1"
        case query = "attn.q", key = "attn.k", value = "attn.v"
        case queryNorm = "attn.q_norm", keyNorm = "attn.k_norm"
        case attentionOutput = "attn.out"
        case layerScale1 = "ls1"
        case norm2 = "norm2"
        /// Plain MLP: fc1 [I, D] and fc2 [D, I]. Gated MLP: gate [I, D], up [I, D] (stored as fc1) and down [D, I] (stored as fc2).
        case fc1 = "mlp.fc1", gate = "mlp.gate", fc2 = "mlp.fc2"
        case layerScale2 = "ls2"
    }

    public var description: String {
        switch self {
        case .embed(.cls): return "embed.cls"
        case .embed(.registers): return "embed.registers"
        case .embed(.patch(let part)): return "embed.patch.\(part.rawValue)"
        case .embed(.positions): return "embed.positions"
        case .embed(.preNorm(let part)): return "embed.pre_norm.\(part.rawValue)"
        case .block(let i, let p, let part): return "blocks.\(i).\(p.rawValue).\(part.rawValue)"
        case .finalNorm(let part): return "final_norm.\(part.rawValue)"
        }
    }
}

/// Weight or bias of a module; a layer scale or an embedding table is its `weight`.
public enum ParameterPart: String, Hashable, Sendable {
    case weight, bias
}

/// Where a family's checkpoint stores a parameter: its tensor name and how many leading 1s its
/// stored shape has beyond the structural one (HF DINOv2's `cls_token` is [1, 1, D] for a [1, D] CLS row).
public struct CheckpointTensor: Sendable, Equatable {
    public var name: String
    public var leadingOnes: Int
    /// For a parameter stored inside a fused tensor (Qwen2.5-VL's `attn.qkv` [3D, D]): the rows of
    /// the stored tensor's first axis that hold it (q is 0..<D, k D..<2D, v 2D..<3D); nil for a whole tensor.
    public var rows: Range<Int>?

    public init(_ name: String, leadingOnes: Int = 0, rows: Range<Int>? = nil) {
        self.name = name
        self.leadingOnes = leadingOnes
        self.rows = rows
    }
}

/// A family's map from structural names to checkpoint tensors. The loader asks it only for the
/// parameters the `ArchitectureDescription` needs; nil means the family stores no such parameter
/// (asking for it anyway is a description/map mismatch, reported as a bad config).
public struct WeightMap: Sendable {
    public let tensor: @Sendable (ParameterName) -> CheckpointTensor?

    public init(_ tensor: @escaping @Sendable (ParameterName) -> CheckpointTensor?) {
        self.tensor = tensor
    }
}
