import Foundation

/// Everything that can stop a report or a comparison. Each case carries the value at fault and
/// prints as one sentence saying what to change.
public enum ReportError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case invalidOption(name: String, value: String, expected: String)
    case unknownLayer(store: String, layer: Int, available: [Int])
    case emptyStore(store: String)
    case outputNotReport(path: String)
    case writeFailed(path: String, reason: String)
    case figureFailed(name: String, reason: String)
    case badResults(path: String, problem: String)
    case analysisFailed(store: String, step: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, expected):
            return "\(name) '\(value)' is not valid: expected \(expected)."
        case let .unknownLayer(store, layer, available):
            return "\(store): layer \(layer) was not captured (captured layers: \(Self.list(available)))."
        case let .emptyStore(store):
            return "\(store): the store holds no images, so there is nothing to report."
        case let .outputNotReport(path):
            return "\(path): the output directory exists and is not a SinkScope report (no report.json); choose an empty or new directory."
        case let .writeFailed(path, reason):
            return "\(path): could not write the report: \(reason)."
        case let .figureFailed(name, reason):
            return "Figure \(name) could not be drawn: \(reason)."
        case let .badResults(path, problem):
            return "\(path): the probe results cannot be read: \(problem)."
        case let .analysisFailed(store, step, reason):
            return "\(store): \(step) failed: \(reason)"
        }
    }

    public var errorDescription: String? { description }

    static func list(_ layers: [Int]) -> String {
        layers.isEmpty ? "none" : layers.map(String.init).joined(separator: ", ")
    }
}
