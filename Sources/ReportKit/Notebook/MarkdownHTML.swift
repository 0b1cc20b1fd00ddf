import Foundation

/// Renders the markdown a notebook's prose uses to static HTML: ATX headings, paragraphs,
/// bullet and numbered lists, block quotes, rules, pipe tables, and inline code, emphasis,
/// links and images. Every piece of text is escaped; raw HTML in the markdown is shown as text,
/// never passed through (labels and file names end up in notebooks, and the page must be safe).
///
/// It is the small subset the notebooks are written in, not a CommonMark implementation; no
/// markdown package is available offline to the build.
struct MarkdownHTML {
    /// Maps an image target (as written) to the `src` to use, or nil to show a link instead.
    var imageSource: (String) -> String? = { _ in nil }

    func render(_ markdown: String) -> String {
        var html: [String] = []
        var paragraph: [String] = []
        var lines = markdown.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" }).map(String.init)[...]

        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            html.append("<p>" + inline(paragraph.joined(separator: "\n")) + "</p>")
            paragraph = []
        }

        while let line = lines.popFirst() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { flushParagraph(); continue }
            if trimmed.hasPrefix("<!--") {
                // An HTML comment: skip to its end (notebooks use them for notes to authors).
                flushParagraph()
                var current = trimmed
                while !current.contains("-->"), let next = lines.popFirst() { current = next }
                continue
            }
            if let (level, text) = heading(trimmed) {
                flushParagraph()
                html.append("<h\(level) id=\"\(HTML.escape(anchor(text)))\">\(inline(text))</h\(level)>")
                continue
            }
            if trimmed.allSatisfy({ $0 == "-" || $0 == " " }) && trimmed.filter({ $0 == "-" }).count >= 3 && paragraph.isEmpty {
                html.append("<hr>")
                continue
            }
            if trimmed.hasPrefix(">") {
                flushParagraph()
                var quoted = [String(trimmed.dropFirst()).trimmingCharacters(in: .whitespaces)]
                while let next = lines.first, next.trimmingCharacters(in: .whitespaces).hasPrefix(">") {
                    quoted.append(String(next.trimmingCharacters(in: .whitespaces).dropFirst()).trimmingCharacters(in: .whitespaces))
                    lines.removeFirst()
                }
                html.append("<blockquote>" + render(quoted.joined(separator: "\n")) + "</blockquote>")
                continue
            }
            if let marker = listMarker(trimmed) {
                flushParagraph()
                var items = [marker.text]
                while let next = lines.first {
                    let t = next.trimmingCharacters(in: .whitespaces)
                    if let m = listMarker(t), m.ordered == marker.ordered {
                        items.append(m.text)
                    } else if !t.isEmpty && next.hasPrefix(" ") && listMarker(t) == nil {
                        items[items.count - 1] += "\n" + t   // a wrapped item line
                    } else {
                        break
                    }
                    lines.removeFirst()
                }
                let tag = marker.ordered ? "ol" : "ul"
                html.append("<\(tag)>" + items.map { "<li>" + inline($0) + "</li>" }.joined() + "</\(tag)>")
                continue
            }
            if trimmed.hasPrefix("|"), let next = lines.first, isTableRule(next) {
                flushParagraph()
                lines.removeFirst()
                var rows: [[String]] = []
                while let row = lines.first, row.trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    rows.append(cells(row))
                    lines.removeFirst()
                }
                html.append(table(header: cells(trimmed), rows: rows))
                continue
            }
            paragraph.append(trimmed)
        }
        flushParagraph()
        return html.joined(separator: "\n")
    }

    // MARK: - Blocks

    func heading(_ line: String) -> (Int, String)? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes), line.count == hashes || line.dropFirst(hashes).first == " " else { return nil }
        return (hashes, line.dropFirst(hashes).trimmingCharacters(in: .whitespaces))
    }

    func anchor(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    func listMarker(_ line: String) -> (ordered: Bool, text: String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix(while: \.isNumber)
        if !digits.isEmpty, digits.count <= 9, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    func isTableRule(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        return t.hasPrefix("|") && t.contains("-") && t.allSatisfy { "|-: ".contains($0) }
    }

    func cells(_ row: String) -> [String] {
        var t = row.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("|") { t.removeFirst() }
        if t.hasSuffix("|") { t.removeLast() }
        return t.components(separatedBy: "|").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    func table(header: [String], rows: [[String]]) -> String {
        let head = "<tr>" + header.map { "<th>" + inline($0) + "</th>" }.joined() + "</tr>"
        let body = rows.map { "<tr>" + $0.map { "<td>" + inline($0) + "</td>" }.joined() + "</tr>" }.joined(separator: "\n")
        return "<table>\n<thead>\(head)</thead>\n<tbody>\n\(body)\n</tbody>\n</table>"
    }

    // MARK: - Inline

    /// Code spans first (their content is literal), then images, links and emphasis; text escaped.
    func inline(_ text: String) -> String {
        var out = ""
        var rest = text[...]
        while let tick = rest.firstIndex(of: "`") {
            out += spans(rest[..<tick])
            let run = rest[tick...].prefix(while: { $0 == "`" })
            let afterOpen = rest.index(tick, offsetBy: run.count)
            if let close = rest[afterOpen...].range(of: String(run)) {
                let code = rest[afterOpen..<close.lowerBound].trimmingCharacters(in: .whitespaces)
                out += "<code>" + HTML.escape(code) + "</code>"
                rest = rest[close.upperBound...]
            } else {
                out += HTML.escape(String(run))
                rest = rest[afterOpen...]
            }
        }
        return out + spans(rest)
    }

    /// Images `![alt](src)`, links `[text](href)`, `**strong**`, `*em*` / `_em_` in text without code.
    func spans(_ text: Substring) -> String {
        var out = ""
        var rest = text
        while let bracket = rest.firstIndex(where: { $0 == "[" || $0 == "!" }) {
            let isImage = rest[bracket] == "!"
            let open = isImage ? rest.index(after: bracket) : bracket
            guard open < rest.endIndex, rest[open] == "[",
                  let close = rest[open...].firstIndex(of: "]"),
                  rest.index(after: close) < rest.endIndex, rest[rest.index(after: close)] == "(",
                  let end = rest[close...].firstIndex(of: ")") else {
                out += emphasis(rest[...bracket])
                rest = rest[rest.index(after: bracket)...]
                continue
            }
            out += emphasis(rest[..<bracket])
            let label = rest[rest.index(after: open)..<close]
            let target = rest[rest.index(close, offsetBy: 2)..<end].trimmingCharacters(in: .whitespaces)
            if isImage, let src = imageSource(target) {
                out += "<img src=\"\(HTML.escape(src))\" alt=\"\(HTML.escape(String(label)))\">"
            } else if Self.isSafeLink(target) {
                out += "<a href=\"\(HTML.escape(target))\">\(emphasis(label))</a>"
            } else {
                out += emphasis(label)
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + emphasis(rest)
    }

    /// Relative paths, anchors and web or mail addresses; never `javascript:` or `data:`.
    static func isSafeLink(_ target: String) -> Bool {
        let lower = target.lowercased()
        guard let colon = lower.firstIndex(of: ":") else { return true }
        if let slash = lower.firstIndex(where: { $0 == "/" || $0 == "#" || $0 == "?" }), slash < colon { return true }
        return ["http", "https", "mailto"].contains(String(lower[..<colon]))
    }

    func emphasis(_ text: Substring) -> String {
        var s = HTML.escape(String(text))
        s = replacePairs(s, marker: "**", tag: "strong")
        s = replacePairs(s, marker: "*", tag: "em")
        s = replacePairs(s, marker: "_", tag: "em", wordBoundary: true)
        return s
    }

    /// Replaces `marker…marker` pairs by `<tag>…</tag>`; `_` only at word boundaries so that
    /// `snake_case_names` stay as they are.
    func replacePairs(_ text: String, marker: String, tag: String, wordBoundary: Bool = false) -> String {
        var parts = text.components(separatedBy: marker)
        guard parts.count >= 3 else { return text }
        var out = parts.removeFirst()
        while parts.count >= 2 {
            let inner = parts[0]
            let before = out.last, after = parts[1].first
            let ok = !inner.isEmpty && inner.first != " " && inner.last != " "
                && (!wordBoundary || ((before.map { !$0.isLetter && !$0.isNumber } ?? true) && (after.map { !$0.isLetter && !$0.isNumber } ?? true)))
            if ok {
                out += "<\(tag)>\(inner)</\(tag)>"
                parts.removeFirst()
                out += parts.removeFirst()
            } else {
                out += marker + parts.removeFirst()
            }
        }
        for part in parts { out += marker + part }
        return out
    }
}
