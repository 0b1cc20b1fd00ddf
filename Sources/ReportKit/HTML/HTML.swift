import Foundation

/// A piece of HTML markup. Text only enters markup through `HTML.text` (or the helpers that call
/// it), which escapes it, so a label such as `<script>` or an image id with quotes can never
/// become markup: the type keeps escaped and unescaped strings apart.
///
///     let cell: HTML = .element("td", .text(image.id))      // <td>&lt;script&gt;…</td>
public struct HTML: Sendable, Equatable {
    /// Markup, already escaped.
    public private(set) var markup: String

    /// Markup written in this module's source (tags, attribute names), never user text.
    public init(raw markup: String) { self.markup = markup }

    public static let empty = HTML(raw: "")

    /// Text shown as is: `&`, `<`, `>`, `"` and `'` become entities.
    public static func text(_ s: String) -> HTML { HTML(raw: escape(s)) }

    /// `<tag attr="value"…>children</tag>`; attribute values are escaped.
    public static func element(_ tag: String, _ attributes: [(String, String)] = [], _ children: HTML...) -> HTML {
        element(tag, attributes, children)
    }

    public static func element(_ tag: String, _ attributes: [(String, String)] = [], _ children: [HTML]) -> HTML {
        HTML(raw: "<\(tag)\(attributeText(attributes))>" + children.map(\.markup).joined() + "</\(tag)>")
    }

    /// A void element such as `<img …>`.
    public static func void(_ tag: String, _ attributes: [(String, String)]) -> HTML {
        HTML(raw: "<\(tag)\(attributeText(attributes))>")
    }

    /// A paragraph of plain text.
    public static func paragraph(_ s: String, class cls: String? = nil) -> HTML {
        element("p", cls.map { [("class", $0)] } ?? [], .text(s))
    }

    public static func + (a: HTML, b: HTML) -> HTML { HTML(raw: a.markup + b.markup) }

    public static func join(_ parts: [HTML], separator: HTML = .empty) -> HTML {
        HTML(raw: parts.map(\.markup).joined(separator: separator.markup))
    }

    /// Escapes the five characters that matter in text and in quoted attribute values.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters other than tab and newline have no business in a page.
                if c.value < 0x20 && c != "\t" && c != "\n" { out += "\u{FFFD}" } else { out.unicodeScalars.append(c) }
            }
        }
        return out
    }

    private static func attributeText(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }
}

// MARK: - Tables

/// A table of numbers with a header row; every cell is text (escaped).
public struct HTMLTable: Sendable {
    public var header: [String]
    public var rows: [[String]]
    /// Column indices aligned right (numbers).
    public var numeric: Set<Int> = []
    public var caption: String?

    public init(header: [String], rows: [[String]], numeric: Set<Int> = [], caption: String? = nil) {
        self.header = header
        self.rows = rows
        self.numeric = numeric
        self.caption = caption
    }

    public var html: HTML {
        let head = HTML.element("tr", [], header.enumerated().map { i, h in
            HTML.element("th", numeric.contains(i) ? [("class", "num")] : [], .text(h))
        })
        let body = rows.map { row in
            HTML.element("tr", [], row.enumerated().map { i, c in
                HTML.element("td", numeric.contains(i) ? [("class", "num")] : [], .text(c))
            })
        }
        // The explanation goes above the table, not in <caption>: a caption is as wide as its
        // table, and a long one would be clipped by the scroll wrapper.
        let table = HTML.element("div", [("class", "table-wrap")],
                                 .element("table", [], .element("thead", [], head), .element("tbody", [], body)))
        return (caption.map { HTML.paragraph($0, class: "table-note") } ?? .empty) + table
    }
}
