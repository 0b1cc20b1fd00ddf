import Foundation

/// The values of a notebook's `{{variables}}` for one run.
///
/// Resolution, in order: the built-ins (`out`, `notebook_dir`, `workdir`, `cache`), then each
/// `name = value` of the `sinkscope-vars` blocks (the value may use variables defined before it),
/// where a `--var name=value` override replaces the notebook's default; overrides of names the
/// notebook does not declare are defined too.
public struct NotebookVariables: Sendable, Equatable {
    /// Name → value, after substitution.
    public private(set) var values: [String: String]
    /// Names in the order they were defined (for display).
    public private(set) var order: [String]

    public init(notebook: Notebook, builtIns: [(String, String)], overrides: [String: String]) throws {
        values = [:]
        order = []
        for (name, value) in builtIns { define(name, value) }
        for declaration in notebook.declaredVariables {
            if let override = overrides[declaration.name] {
                define(declaration.name, override)
            } else {
                define(declaration.name, try substitute(declaration.value, line: declaration.line, source: notebook.source))
            }
        }
        for name in overrides.keys.sorted() where values[name] == nil { define(name, overrides[name]!) }
    }

    private mutating func define(_ name: String, _ value: String) {
        if values[name] == nil { order.append(name) }
        values[name] = value
    }

    /// `text` with every `{{name}}` replaced by its value.
    /// - Throws: `NotebookError.unknownVariable` naming the line.
    public func substitute(_ text: String, line: Int, source: String) throws -> String {
        var result = ""
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            result += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                result += rest[open.lowerBound...]
                return result
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else {
                throw NotebookError.unknownVariable(path: source, line: line, name: name, known: order)
            }
            result += value
            rest = rest[close.upperBound...]
        }
        result += rest
        return result
    }

    /// Parses `--var KEY=VALUE` overrides.
    /// - Throws: `NotebookError.badOverride` for text without `=` or with a bad key.
    public static func parseOverrides(_ items: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for item in items {
            guard let (key, value) = splitAssignment(item, separator: "=", trimValue: false) else {
                throw NotebookError.badOverride(text: item)
            }
            result[key] = value
        }
        return result
    }

    /// `name = value` → (name, value) when the name is made of letters, digits and `_`.
    static func splitAssignment(_ text: String, separator: Character, trimValue: Bool = true) -> (String, String)? {
        guard let at = text.firstIndex(of: separator) else { return nil }
        let name = text[..<at].trimmingCharacters(in: .whitespaces)
        let value = String(text[text.index(after: at)...])
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else { return nil }
        return (name, trimValue ? value.trimmingCharacters(in: .whitespaces) : value)
    }
}
