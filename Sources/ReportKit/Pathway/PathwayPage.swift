import ActivationStore
import Foundation
import Plotting
import SinkAnalysis

/// Writes the pathway results: `pathway.json`, the PNG figures and `pathway.html` (a standalone
/// page around `section`, which a full report can embed). Built with the report's page kit
/// (`Page`, `HTML`), so every text from user files (image ids, names, notes) is escaped once, there.
public enum PathwayPage {
    /// - Returns: the file names written inside `directory`, JSON first.
    public static func write(_ report: PathwayReport, to directory: URL) throws -> [String] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw StoreError.writeFailed(path: directory.path, reason: error.localizedDescription)
        }
        try AtomicFile.write(Array(try report.json().utf8) + [0x0A], to: directory.appendingPathComponent("pathway.json"))
        let figures = try PathwayFigures.figures(report)
        // AtomicFile renames over an existing file; Chart.write's replaceItemAt fails on Linux when
        // the PNG already exists (a second run into the same directory).
        for f in figures { try AtomicFile.write(try f.chart.render(), to: directory.appendingPathComponent(f.file)) }
        let page = Page(
            title: "SinkScope pathway: \(report.lvlm)",
            subtitle: "\(report.images) images, ViT layer \(report.vitLayer), sinks by \(report.vitMethod)",
            sections: [Page.Section(id: "pathway", heading: "From ViT sinks into the LLM: \(report.lvlm)", body: section(report, figures: figures))],
            footer: "Written by sinkscope pathway.")
        try AtomicFile.write(Array(page.html.utf8), to: directory.appendingPathComponent("pathway.html"))
        return ["pathway.json"] + figures.map(\.file) + ["pathway.html"]
    }

    /// The section's body: what was measured, the per-layer table, the figures (paths relative to the page).
    public static func section(_ report: PathwayReport, figures: [PathwayFigures.Figure]) -> HTML {
        let params = report.vitParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        var body = HTML.element("p", [],
            .text("\(report.images) images, \(report.visualTokens) visual tokens (\(report.grid[0])×\(report.grid[1])) from ViT layer \(report.vitLayer). "
                  + "ViT sinks by "), .element("b", [], .text(report.vitMethod)),
            .text(" (\(params)): \(report.vitSinks.total) (\(String(format: "%.2f", report.vitSinks.meanPerImage)) per image). "
                  + "LLM-emerged sinks (massive activations at some LLM layer, not ViT sinks): \(report.emergedSinks.total). A token's "),
            .element("i", [], .text("share")),
            .text(" is the attention it receives in an LLM layer (head mean, summed over the query rows) divided by the number of query rows."))
        if !report.attention.isEmpty {
            let rows = report.attention.map { a in
                ["\(a.layer)", PathwayReport.formatPercent(a.ordinary.meanShare), PathwayReport.formatPercent(a.vitSinks.meanShare),
                 PathwayReport.formatPercent(a.emergedSinks.meanShare), PathwayReport.formatNumber(a.vitSinkRatio),
                 PathwayReport.formatNumber(a.emergedSinkRatio), PathwayReport.formatNumber(a.spearman)]
            }
            body = body + HTMLTable(
                header: ["LLM layer", "ordinary %", "ViT sink %", "emerged %", "ViT sink ×", "emerged ×", "Spearman ρ"],
                rows: rows, numeric: Set(0..<7)).html
        }
        if !report.dimensions.isEmpty {
            let s = report.dimensionSplit
            func list(_ x: [Int]) -> String { x.isEmpty ? "none" : x.map(String.init).joined(separator: ", ") }
            body = body + .paragraph(
                "LLM sink dimensions — lit by propagated ViT sinks: \(list(s.propagated)); by LLM-emerged sinks: \(list(s.emerged)); shared: \(list(s.shared)).")
        }
        for note in report.notes { body = body + .paragraph(note, class: "note") }
        let cards = figures.map { f in
            HTML.element("figure", [], .void("img", [("src", f.file), ("alt", f.caption)]), .element("figcaption", [], .text(f.caption)))
        }
        return cards.isEmpty ? body : body + HTML.element("div", [("class", "grid")], cards)
    }
}
