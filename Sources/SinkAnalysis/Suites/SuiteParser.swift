import Foundation
import Yams

/// Reads a suite file: YAML → `SuiteFile`, with every error turned into one `SuiteError` that
/// names the field path and its line.
///
/// The text is parsed twice: once into Yams' node tree, which carries the line of every key and
/// value (and rejects syntax errors and repeated keys with their line), then decoded through the
/// snake_case `Codable` conformances of `SuiteFile`. A decoding error carries only a coding path,
/// so its line is found by walking that path in the node tree.
///
///     let suite = try SuiteParser.parse(contentsOf: URL(fileURLWithPath: "Probes/controls.yaml"))
///     let document = try SuiteDocument(contentsOf: url)   // keeps the text for later line lookups
public enum SuiteParser {
    /// - Throws: `SuiteError`.
    public static func parse(contentsOf url: URL) throws -> SuiteFile {
        try SuiteDocument(contentsOf: url).suite
    }

    /// - Parameters: yaml: the file's text; source: its path, for messages.
    /// - Throws: `SuiteError`.
    public static func parse(yaml: String, source: String) throws -> SuiteFile {
        // Before Yams builds its tree (recursively): a deeply nested text would overflow the stack there.
        if let line = YAMLNesting.firstLineDeeperThanLimit(yaml) {
            throw SuiteError.invalidField(file: source, path: "(file)", line: line,
                                          problem: "nests lists or mappings too deeply (the limit is \(YAMLNesting.limit) levels); a suite needs a few")
        }
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else {
                throw SuiteError.invalidField(file: source, path: "(file)", line: nil, problem: "is empty; a suite needs at least name, groups and probes")
            }
            root = node
        } catch let e as YamlError {
            throw syntaxError(e, source: source)
        }
        // Aliases can expand a short text past both limits; the walks below recurse over the expansion.
        switch YAMLNesting.expansion(of: root) {
        case .tooManyNodes(let line)?:
            throw SuiteError.invalidField(file: source, path: "(file)", line: line,
                                          problem: "expands to more than \(YAMLNesting.nodeLimit) values through its aliases (*name); a suite needs a few hundred")
        case .tooDeep(let line)?:
            throw SuiteError.invalidField(file: source, path: "(file)", line: line,
                                          problem: "nests lists or mappings too deeply through its aliases (*name) (the limit is \(YAMLNesting.limit) levels); a suite needs a few")
        case nil:
            break
        }
        try checkRepeatedKeys(root, path: [], source: source)
        guard root.mapping != nil else {
            throw SuiteError.invalidField(file: source, path: "(file)", line: root.mark?.line,
                                          problem: "must be a mapping of suite fields (name, seed, layers, groups, targets, probes...)")
        }
        do {
            return try YAMLDecoder().decode(SuiteFile.self, from: yaml)
        } catch let e as DecodingError {
            throw fieldError(e, root: root, source: source)
        }
    }

    // MARK: - Errors with lines

    static func syntaxError(_ e: YamlError, source: String) -> SuiteError {
        switch e {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return .syntax(file: source, line: mark.line, column: mark.column, problem: detail)
        case let .reader(problem, offset, _, _):
            return .unreadable(file: source, reason: "\(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return .unreadable(file: source, reason: "\(e)")
        }
    }

    static func fieldError(_ e: DecodingError, root: Node, source: String) -> SuiteError {
        let (path, problem): ([CodingKey], String)
        switch e {
        case let .keyNotFound(key, c):
            (path, problem) = (c.codingPath + [key], c.debugDescription.hasPrefix("No value") ? "missing required field" : "missing: \(c.debugDescription)")
        case let .typeMismatch(type, c), let .valueNotFound(type, c):
            (path, problem) = (c.codingPath, "must be \(expectation(type))\(found(c.codingPath, in: root))")
        case let .dataCorrupted(c):
            (path, problem) = (c.codingPath, c.debugDescription)
        @unknown default:
            (path, problem) = ([], "\(e)")
        }
        let line = locate(path, in: root)
        return .invalidField(file: source, path: pathText(path), line: line, problem: problem)
    }

    /// `groups.sinks.method`, `layers[2]`.
    static func pathText(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path {
            if let i = key.intValue { text += "[\(i)]" } else { text += (text.isEmpty ? "" : ".") + key.stringValue }
        }
        return text.isEmpty ? "(file)" : text
    }

    /// The line of the deepest node on `path` that exists (the key's own line for mapping entries).
    static func locate(_ path: [CodingKey], in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for key in path {
            if let map = node.mapping, let pair = map.first(where: { $0.key.string == key.stringValue }) {
                line = pair.key.mark?.line ?? line
                node = pair.value
            } else if let seq = node.sequence, let i = key.intValue, i >= 0, i < seq.count {
                node = seq[seq.index(seq.startIndex, offsetBy: i)]
                line = node.mark?.line ?? line
            } else {
                break
            }
        }
        return line
    }

    static func expectation(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: return "a whole number"
        case is UInt64.Type: return "a whole number ≥ 0"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is String.Type: return "text"
        case is [Int].Type: return "a list of whole numbers"
        default:
            let name = "\(type)"
            if name.contains("Mapping") || name.contains("Dictionary") { return "a mapping (key: value)" }
            if name.contains("Sequence") || name.hasPrefix("Array") { return "a list" }
            if name.contains("Scalar") { return "a single value" }
            return name
        }
    }

    static func found(_ path: [CodingKey], in root: Node) -> String {
        var node = root
        for key in path {
            if let map = node.mapping, let v = map[key.stringValue] { node = v }
            else if let seq = node.sequence, let i = key.intValue, i >= 0, i < seq.count { node = seq[seq.index(seq.startIndex, offsetBy: i)] }
            else { return "" }
        }
        if let s = node.scalar { return s.string.isEmpty || s.string == "~" || s.string == "null" ? ", not empty" : " (found '\(s.string)')" }
        if node.mapping != nil { return " (found a mapping)" }
        if node.sequence != nil { return " (found a list)" }
        return ""
    }

    /// YAML allows a key twice in one mapping and keeps one silently; a suite refuses it.
    static func checkRepeatedKeys(_ node: Node, path: [CodingKey], source: String) throws {
        if let map = node.mapping {
            var seen: Set<String> = []
            for (key, value) in map {
                let name = key.string ?? "?"
                if !seen.insert(name).inserted {
                    throw SuiteError.invalidField(file: source, path: pathText(path + [SuiteKey(name)]), line: key.mark?.line,
                                                  problem: "appears twice in the same mapping; keep one")
                }
                try checkRepeatedKeys(value, path: path + [SuiteKey(name)], source: source)
            }
        } else if let seq = node.sequence {
            for (i, item) in seq.enumerated() {
                try checkRepeatedKeys(item, path: path + [SuiteKey(intValue: i)!], source: source)
            }
        }
    }
}
