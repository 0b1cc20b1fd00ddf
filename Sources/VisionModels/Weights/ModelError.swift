import Images
import Foundation

/// Everything that can go wrong loading, converting or running a model; each case names the file or
/// value and what was expected. (Image decoding has its own `ImageError`.)
public enum ModelError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case missingFile(path: String, hint: String)
    case badConfig(path: String, reason: String)
    case unsupportedArchitecture(path: String, modelType: String)
    case missingWeight(name: String, source: String, available: [String])
    case wrongShape(name: String, source: String, expected: [Int], actual: [Int])
    case conversionFailed(source: String, reason: String)
    case badInput(reason: String)
    /// The architecture's description has a feature the forward does not run yet (rotary positions,
    /// windowed attention, QK-norm, a Conv3d patch embedding).
    case notImplemented(architecture: String, feature: String)

    public var description: String {
        switch self {
        case let .missingFile(path, hint):
            return "\(path) does not exist; \(hint)."
        case let .badConfig(path, reason):
            return "The model config \(path) is invalid: \(reason)."
        case let .unsupportedArchitecture(path, modelType):
            return "The model in \(path) has model_type '\(modelType)'; SinkScope runs dinov2, vit, clip, clip_vision_model, dinov3_vit, qwen2_5_vl and qwen2_5_vl_vision."
        case let .missingWeight(name, source, available):
            let sample = available.prefix(8).joined(separator: ", ")
            return "The weights in \(source) have no tensor '\(name)' (it has \(available.count) tensors: \(sample)\(available.count > 8 ? ", ..." : ""))."
        case let .wrongShape(name, source, expected, actual):
            return "The tensor '\(name)' in \(source) has shape \(actual), expected \(expected)."
        case let .conversionFailed(source, reason):
            return "Cannot convert \(source): \(reason)."
        case let .badInput(reason):
            return "Invalid model input: \(reason)."
        case let .notImplemented(architecture, feature):
            return "\(architecture) uses \(feature), which SinkScope's forward pass does not run yet."
        }
    }

    public var errorDescription: String? { description }
}
