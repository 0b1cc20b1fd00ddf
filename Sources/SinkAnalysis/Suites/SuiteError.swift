import Foundation

/// Everything that can be wrong with a probe suite, found before any probe runs. Each case names
/// the suite file, the field path (`groups.sinks.method`) and, when known, the line in the file.
public enum SuiteError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The file cannot be read as UTF-8 text.
    case unreadable(file: String, reason: String)
    /// Not valid YAML; line and column from the YAML parser.
    case syntax(file: String, line: Int, column: Int, problem: String)
    /// A field with a bad, missing or unknown value; `problem` is the end of the sentence.
    case invalidField(file: String, path: String, line: Int?, problem: String)
    /// A `label` target whose column the store does not have.
    case unknownLabel(file: String, path: String, line: Int?, column: String, available: [String])
    /// A layer the store did not capture.
    case layerOutOfRange(file: String, path: String, line: Int?, layer: Int, available: [Int])
    /// A `patch_color` target on a store whose images cannot be read back.
    case patchColorUnavailable(store: String, image: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "cannot read the suite \(file): \(reason)."
        case let .syntax(file, line, column, problem):
            return "\(file) line \(line), column \(column): not valid YAML: \(problem)."
        case let .invalidField(file, path, line, problem):
            return "\(Self.place(file, line)): \(path): \(problem)."
        case let .unknownLabel(file, path, line, column, available):
            let list = available.isEmpty ? "the store has no label columns (extract with --labels FILE.csv)"
                : "the store's label columns are \(available.joined(separator: ", "))"
            return "\(Self.place(file, line)): \(path): the store has no label column '\(column)'; \(list)."
        case let .layerOutOfRange(file, path, line, layer, available):
            return "\(Self.place(file, line)): \(path): layer \(layer) is not in the store; it captured \(Self.range(available))."
        case let .patchColorUnavailable(store, image, reason):
            return "\(store): cannot compute patch colours of image \(image): \(reason)."
        }
    }

    public var errorDescription: String? { description }

    /// The field path the error is about (empty for syntax and read errors).
    public var path: String {
        switch self {
        case .unreadable, .syntax, .patchColorUnavailable: return ""
        case let .invalidField(_, path, _, _), let .unknownLabel(_, path, _, _, _), let .layerOutOfRange(_, path, _, _, _):
            return path
        }
    }

    /// The line in the suite file, when known.
    public var line: Int? {
        switch self {
        case .unreadable, .patchColorUnavailable: return nil
        case let .syntax(_, line, _, _): return line
        case let .invalidField(_, _, line, _), let .unknownLabel(_, _, line, _, _), let .layerOutOfRange(_, _, line, _, _):
            return line
        }
    }

    static func place(_ file: String, _ line: Int?) -> String { line.map { "\(file) line \($0)" } ?? file }

    /// "layers 0...12" for a contiguous list, else the list.
    static func range(_ layers: [Int]) -> String {
        guard let first = layers.first, let last = layers.last else { return "no layers" }
        if layers == Array(first...last) { return "layers \(first)...\(last)" }
        return "layers \(layers.map(String.init).joined(separator: ", "))"
    }
}
