import Foundation

/// Everything that can go wrong reading an ONNX file; each case names the file and the problem.
public enum ONNXFormatError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case unreadable(path: String, reason: String)
    case notONNX(path: String, reason: String)
    case missingInitializer(path: String, name: String)
    case unsupportedTensor(path: String, name: String, reason: String)
    case badTensor(path: String, name: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "Cannot read the ONNX file \(path): \(reason)."
        case let .notONNX(path, reason):
            return "\(path) is not a valid ONNX model (protobuf ModelProto): \(reason)."
        case let .missingInitializer(path, name):
            return "The ONNX file \(path) has no initializer named '\(name)'."
        case let .unsupportedTensor(path, name, reason):
            return "The initializer '\(name)' in \(path) cannot be read: \(reason)."
        case let .badTensor(path, name, reason):
            return "The initializer '\(name)' in \(path) is malformed: \(reason)."
        }
    }

    public var errorDescription: String? { description }
}
