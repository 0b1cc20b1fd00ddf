import Foundation

/// What can go wrong in the LVLM pathway analysis and the sink-aware token orders. Each case prints
/// as one sentence naming the store (or file) and what to change.
public enum PathwayError: Error, CustomStringConvertible, LocalizedError, Equatable {
    /// A configuration value outside its range.
    case invalidParameter(name: String, value: String, expected: String)
    /// A NaN or infinity in an LLM array.
    case nonFinite(source: String, what: String, layer: Int, image: Int, token: Int)
    /// An LLM query count that is not positive (the shares would be undefined).
    case badQueryCount(source: String, image: Int, count: Int64)
    /// The store has neither LLM attention nor LLM hidden states to analyse.
    case nothingToAnalyse(source: String)
    /// Arrays whose lengths disagree with n and P.
    case shapeMismatch(what: String, expected: Int, actual: Int)

    public var description: String {
        switch self {
        case let .invalidParameter(name, value, expected):
            return "Pathway analysis: \(name)=\(value) is invalid; it must be \(expected)."
        case let .nonFinite(source, what, layer, image, token):
            return "\(source): the \(what) at LLM layer \(layer) is NaN or infinite at image \(image), visual token \(token); re-dump that image."
        case let .badQueryCount(source, image, count):
            return "\(source): image \(image) has llm.query_count \(count); it must be positive, so re-import the dump."
        case let .nothingToAnalyse(source):
            return "\(source) holds neither LLM attention nor LLM hidden states; re-import a dump with llm_attention_received or llm_hidden_visual."
        case let .shapeMismatch(what, expected, actual):
            return "Pathway analysis: \(what) has \(actual) values but n×P needs \(expected)."
        }
    }

    public var errorDescription: String? { description }
}
