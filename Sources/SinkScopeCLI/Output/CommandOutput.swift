import Support
import Foundation

/// What a command prints: a result renders itself as the table (or summary lines) shown by default
/// and as the JSON shown with `--json`. Library results conform here, in the command-line layer.
protocol CommandOutput {
    /// The human-readable summary or table printed without `--json`.
    var tableText: String { get }

    /// The JSON printed with `--json`.
    /// - Throws: an encoding error (e.g. a non-finite number where the style does not allow one).
    func jsonText() throws -> String
}

extension CommandOutput {
    /// The table, or the JSON when `json` is set.
    func text(json: Bool) throws -> String {
        json ? try jsonText() : tableText
    }
}

extension CommandOutput where Self: Encodable {
    /// The default: the shared encoder in its standard style.
    func jsonText() throws -> String { try CommandJSON.text(self) }
}

/// A result plus the line that says where its files went: the line follows the table and is left
/// out of the JSON (which is the result alone).
struct Written<Result: CommandOutput>: CommandOutput {
    var result: Result
    var note: String

    var tableText: String { result.tableText + "\n" + note }
    func jsonText() throws -> String { try result.jsonText() }
}

/// The command line's `--json` output: the package's one encoder set-up (`JSONCoding`).
enum CommandJSON {
    /// How a result is encoded. `standard`: pretty-printed, sorted keys, slashes unescaped, NaN and
    /// infinities as "nan", "inf", "-inf".
    struct Style {
        /// Keys in snake_case (`label_columns`), as `synth` writes them.
        var snakeCaseKeys = false

        static let standard = Style()
    }

    static func encoder(_ style: Style = .standard) -> JSONEncoder {
        JSONCoding.encoder(snakeCaseKeys: style.snakeCaseKeys)
    }

    /// `value` as JSON text in `style`.
    static func text<T: Encodable>(_ value: T, style: Style = .standard) throws -> String {
        try JSONCoding.string(value, snakeCaseKeys: style.snakeCaseKeys)
    }
}
