import Foundation

/// The package's one JSON encoder set-up: sorted keys (stable files that diff well), slashes
/// unescaped (paths stay readable), and non-finite floats written as strings instead of failing.
public enum JSONCoding {
    /// How NaN and ±∞ are spelled: `python` ("nan", "inf", "-inf": what `float()` reads back) or
    /// `javascript` ("NaN", "Infinity", "-Infinity": what `JSON.parse` + `Number()` read back, used
    /// by report.json, which a page's script may read).
    public enum NonFinite: Sendable { case python, javascript }

    /// - Parameters:
    ///   - pretty: indented output (files and `--json`) or one line (metadata inside other files).
    ///   - snakeCaseKeys: convert Swift's camelCase property names to snake_case keys.
    public static func encoder(pretty: Bool = true, snakeCaseKeys: Bool = false, nonFinite: NonFinite = .python) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        if snakeCaseKeys { encoder.keyEncodingStrategy = .convertToSnakeCase }
        switch nonFinite {
        case .python:
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        case .javascript:
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        }
        return encoder
    }

    /// `value` as JSON text with `encoder(...)`'s settings.
    public static func string<T: Encodable>(
        _ value: T, pretty: Bool = true, snakeCaseKeys: Bool = false, nonFinite: NonFinite = .python
    ) throws -> String {
        String(decoding: try encoder(pretty: pretty, snakeCaseKeys: snakeCaseKeys, nonFinite: nonFinite).encode(value), as: UTF8.self)
    }
}
