import Foundation

/// A whole static page: inline CSS, no script, no external resource, so it opens the same from
/// `file://`, a mail attachment or an archive years later.
public struct Page: Sendable {
    public var title: String
    public var subtitle: String
    /// Sections in order; each becomes a `<section>` with an anchor in the table of contents.
    public var sections: [Section]
    public var footer: String

    public struct Section: Sendable {
        /// Anchor id: letters, digits and `-` only (chosen by this module, never user text).
        public var id: String
        public var heading: String
        public var body: HTML

        public init(id: String, heading: String, body: HTML) {
            self.id = id
            self.heading = heading
            self.body = body
        }
    }

    public init(title: String, subtitle: String, sections: [Section], footer: String) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
        self.footer = footer
    }

    public var html: String {
        let toc = HTML.element("nav", [], .element("ol", [], sections.map { s in
            HTML.element("li", [], .element("a", [("href", "#" + s.id)], .text(s.heading)))
        }))
        let main = sections.map { s in
            HTML.element("section", [("id", s.id)], .element("h2", [], .text(s.heading)) + s.body)
        }
        let body = HTML.element("header", [], .element("h1", [], .text(title)) + .paragraph(subtitle, class: "subtitle"))
            + toc + .element("main", [], main) + .element("footer", [], .paragraph(footer))
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            + "<title>\(HTML.escape(title))</title>\n<style>\n\(Page.css)</style>\n</head>\n<body>\n"
            + body.markup + "\n</body>\n</html>\n"
    }

    /// Print-friendly, system fonts only (no web font request).
    static let css = """
        :root { --ink: #1f2328; --muted: #59636e; --line: #d8dee4; --accent: #0b5cad; --panel: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
        header, nav, main, footer { max-width: 1360px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 24px; border-bottom: 1px solid var(--line); }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 21px; margin: 36px 0 10px; padding-top: 8px; border-top: 2px solid var(--accent); }
        h3 { font-size: 17px; margin: 22px 0 8px; }
        .subtitle { color: var(--muted); margin: 0 0 16px; }
        nav ol { columns: 3; margin: 12px 0; padding-left: 20px; color: var(--muted); }
        nav a { color: var(--accent); text-decoration: none; }
        p { max-width: 980px; }
        .note { color: var(--muted); font-style: italic; }
        .absent { background: var(--panel); border-left: 4px solid #c9a227; padding: 8px 12px; max-width: 980px; }
        ul.findings { background: var(--panel); border-left: 4px solid var(--accent); padding: 10px 14px 10px 32px; max-width: 1060px; }
        ul.findings li { margin: 4px 0; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0 16px; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; }
        .table-wrap { overflow-x: auto; margin: 8px 0 16px; }
        table { border-collapse: collapse; font-size: 13.5px; }
        .table-note { color: var(--muted); font-size: 13.5px; margin: 10px 0 4px; }
        th, td { border-bottom: 1px solid var(--line); padding: 3px 10px; text-align: left; white-space: nowrap; }
        th { background: var(--panel); white-space: normal; vertical-align: bottom; max-width: 9em; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        .grid { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
        .panels { display: grid; gap: 10px 14px; align-items: start; justify-content: start; overflow-x: auto; }
        .panels .input { grid-row: span 2; }
        .panels.wide .input { grid-row: auto; grid-column: 1 / -1; }
        .panels.wide.beside .input { grid-column: auto; }
        figure { margin: 0 0 12px; }
        figure img { display: block; max-width: 100%; height: auto; border: 1px solid var(--line); }
        figcaption { font-size: 13px; color: var(--muted); margin-top: 4px; }
        .card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; margin: 14px 0; }
        .card h3 { margin-top: 4px; }
        .labels { color: var(--muted); font-size: 13.5px; }
        footer { color: var(--muted); font-size: 13px; border-top: 1px solid var(--line); margin-top: 40px; padding-bottom: 30px; }

        """
}
