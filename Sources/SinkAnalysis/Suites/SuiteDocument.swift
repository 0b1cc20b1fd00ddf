import Foundation
import Yams

/// A parsed suite together with its text, so that checks made later (against a store) can still
/// point at the line of the field they reject.
public struct SuiteDocument: Sendable {
    public private(set) var suite: SuiteFile
    /// The file path (or another name) used in messages.
    public let source: String
    /// The YAML text the suite was read from.
    public let text: String

    /// Reads and parses a suite file. - Throws: `SuiteError`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw SuiteError.unreadable(file: url.path, reason: FileManager.default.fileExists(atPath: url.path)
                                        ? "permission denied or I/O error" : "no such file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SuiteError.unreadable(file: url.path, reason: "it is not UTF-8 text")
        }
        try self.init(yaml: text, source: url.path)
    }

    /// Parses suite text. - Throws: `SuiteError`.
    public init(yaml: String, source: String) throws {
        suite = try SuiteParser.parse(yaml: yaml, source: source)
        self.source = source
        text = yaml
    }

    /// The same suite on other layers (`sinkscope probe SUITE --layers 0,6,12`).
    public func narrowed(to layers: LayerSelection) -> SuiteDocument {
        var copy = self
        copy.suite.layers = layers
        return copy
    }

    /// The line of the deepest existing node on `path` (e.g. `["targets", "texture", "column"]`).
    public func line(_ path: [String]) -> Int? {
        guard let root = try? Yams.compose(yaml: text) else { return nil }
        return SuiteParser.locate(path.map { SuiteKey($0) }, in: root)
    }

    /// Whether the file spells out every key of `path` (rather than relying on a default).
    public func contains(_ path: [String]) -> Bool {
        guard var node = try? Yams.compose(yaml: text) else { return false }
        for key in path {
            guard let next = node.mapping?[key] else { return false }
            node = next
        }
        return true
    }

    /// An `invalidField` error at `path`, with its line.
    func invalid(_ path: [String], _ problem: String) -> SuiteError {
        .invalidField(file: source, path: path.joined(separator: "."), line: line(path), problem: problem)
    }
}
