import Support
import Foundation

/// Reads a markdown notebook into cells: prose, code blocks, `sinkscope` command blocks and
/// `sinkscope-vars` blocks, each with its line in the file.
///
/// Fences follow CommonMark: up to three spaces of indentation, then three or more backticks or
/// tildes; the first word of the info string is the block's language; the block ends at a line
/// of the same character, at least as long, and nothing else. An unclosed ordinary block runs to
/// the end of the file as in CommonMark; an unclosed `sinkscope` block is an error, since running
/// half of the notebook's prose as commands is never what the author meant.
public enum NotebookParser {
    public static let commandLanguage = "sinkscope"
    public static let variablesLanguage = "sinkscope-vars"

    /// Parses the notebook at `url`.
    /// - Throws: `NotebookError` naming the file and line.
    public static func parse(url: URL) throws -> Notebook {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw NotebookError.unreadable(path: url.path, reason: exists ? "permission denied or I/O error" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw NotebookError.unreadable(path: url.path, reason: "it is not UTF-8 text")
        }
        return try parse(text: text, source: url.path)
    }

    /// Parses notebook `text`; `source` names it in errors.
    public static func parse(text: String, source: String) throws -> Notebook {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" })
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var cells: [Notebook.Cell] = []
        var prose: [String] = []
        var proseStart = 1
        var index = 0

        func flushProse() {
            let joined = prose.joined(separator: "\n")
            if !joined.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                cells.append(.markdown(text: joined, line: proseStart))
            }
            prose = []
        }

        while index < lines.count {
            guard let fence = Fence(opening: lines[index]) else {
                let blank = lines[index].trimmingCharacters(in: .whitespaces).isEmpty
                if prose.isEmpty && blank { index += 1; continue }   // a cell starts at its first text
                if prose.isEmpty { proseStart = index + 1 }
                prose.append(lines[index])
                index += 1
                continue
            }
            flushProse()
            let openLine = index + 1
            var body: [String] = []
            var closed = false
            index += 1
            while index < lines.count {
                if fence.isClosed(by: lines[index]) { closed = true; index += 1; break }
                body.append(fence.removingIndent(lines[index]))
                index += 1
            }
            let text = body.joined(separator: "\n")
            switch fence.language {
            case commandLanguage:
                guard closed else { throw NotebookError.unclosedBlock(path: source, line: openLine) }
                let commands = try parseCommands(body, firstLine: openLine + 1, source: source)
                cells.append(.commands(CommandBlock(line: openLine, text: text, commands: commands, maxFigures: fence.option("figures").flatMap { Int($0) })))
            case variablesLanguage:
                guard closed else { throw NotebookError.unclosedBlock(path: source, line: openLine) }
                let declarations = try parseVariables(body, firstLine: openLine + 1, source: source)
                cells.append(.variables(VariablesBlock(line: openLine, text: text, declarations: declarations)))
            default:
                cells.append(.code(language: fence.language, text: text, line: openLine))
            }
        }
        flushProse()
        return Notebook(source: source, cells: cells)
    }

    // MARK: - Commands

    /// Joins `\` continuations, drops blank and `#` lines, splits words, checks the `sinkscope` prefix.
    static func parseCommands(_ body: [String], firstLine: Int, source: String) throws -> [BlockCommand] {
        var commands: [BlockCommand] = []
        var pending: [String] = []
        var pendingLine = 0
        for (offset, raw) in body.enumerated() {
            let line = firstLine + offset
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if pending.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("#")) { continue }
            if pending.isEmpty { pendingLine = line }
            if endsWithContinuation(trimmed) {
                pending.append(String(trimmed.dropLast()).trimmingCharacters(in: .whitespaces))
                continue
            }
            pending.append(trimmed)
            commands.append(try makeCommand(pending, line: pendingLine, source: source))
            pending = []
        }
        if !pending.isEmpty {
            throw NotebookError.danglingContinuation(path: source, line: firstLine + body.count - 1)
        }
        return commands
    }

    /// An odd number of trailing backslashes: the last one escapes the newline.
    static func endsWithContinuation(_ line: String) -> Bool {
        line.reversed().prefix(while: { $0 == "\\" }).count % 2 == 1
    }

    static func makeCommand(_ parts: [String], line: Int, source: String) throws -> BlockCommand {
        let text = parts.filter { !$0.isEmpty }.joined(separator: " ")
        guard let words = ShellWords.split(text) else {
            throw NotebookError.unterminatedQuote(path: source, line: line)
        }
        guard let first = words.first, first == commandLanguage else {
            throw NotebookError.notASinkscopeCommand(path: source, line: line, firstWord: words.first ?? "")
        }
        return BlockCommand(line: line, text: text, arguments: Array(words.dropFirst()))
    }

    // MARK: - Variables

    static func parseVariables(_ body: [String], firstLine: Int, source: String) throws -> [VariableDeclaration] {
        var declarations: [VariableDeclaration] = []
        for (offset, raw) in body.enumerated() {
            let line = firstLine + offset
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let (name, value) = NotebookVariables.splitAssignment(trimmed, separator: "=") else {
                throw NotebookError.badVariableLine(path: source, line: line, text: trimmed)
            }
            declarations.append(VariableDeclaration(name: name, value: stripComment(value), line: line))
        }
        return declarations
    }

    /// `value   # why` → `value` (a `#` after a blank starts a comment, as in the command blocks).
    static func stripComment(_ value: String) -> String {
        guard let range = value.range(of: " #") ?? value.range(of: "\t#") else { return value }
        return String(value[..<range.lowerBound]).trimmingCharacters(in: .whitespaces)
    }
}

/// An opening code fence and how it closes.
struct Fence {
    let character: Character
    let length: Int
    let indent: Int
    let language: String
    /// The info string after the language, e.g. `figures=4`.
    let attributes: String

    init?(opening line: String) {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return nil }
        let rest = line.dropFirst(indent)
        guard let c = rest.first, c == "`" || c == "~" else { return nil }
        let length = rest.prefix(while: { $0 == c }).count
        guard length >= 3 else { return nil }
        let info = rest.dropFirst(length).trimmingCharacters(in: .whitespaces)
        if c == "`" && info.contains("`") { return nil }
        self.character = c
        self.length = length
        self.indent = indent
        let words = info.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        self.language = words.first ?? ""
        self.attributes = words.dropFirst().joined(separator: " ")
    }

    /// The value of `key=value` in the info string after the language.
    func option(_ key: String) -> String? {
        for word in attributes.split(separator: " ") where word.hasPrefix(key + "=") {
            return String(word.dropFirst(key.count + 1))
        }
        return nil
    }

    func isClosed(by line: String) -> Bool {
        let indent = line.prefix(while: { $0 == " " }).count
        guard indent <= 3 else { return false }
        let rest = line.dropFirst(indent)
        let run = rest.prefix(while: { $0 == character }).count
        return run >= length && rest.dropFirst(run).allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// CommonMark removes up to the fence's own indentation from each content line.
    func removingIndent(_ line: String) -> String {
        let spaces = min(indent, line.prefix(while: { $0 == " " }).count)
        return String(line.dropFirst(spaces))
    }
}
