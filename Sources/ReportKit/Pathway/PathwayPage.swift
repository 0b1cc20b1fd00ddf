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
        if let feeding = report.sinkFeeding, report.tokenMerge != "identity" {
            let fed = feeding.flatMap { f in f.tokens.map { t in
                [f.imageID, "\(t.token)", "\(t.position)", t.sinkPatches.map(String.init).joined(separator: " "), t.patches.map(String.init).joined(separator: " ")]
            } }
            body = body + .paragraph("The LLM sees \(report.visualTokens) visual tokens made from \(report.vitPatches ?? 0) ViT patches (\(report.tokenMerge ?? "mapped")); "
                                     + "a token is sink-fed when a ViT sink is among its patches.")
            if !fed.isEmpty {
                body = body + HTMLTable(header: ["image", "LLM token", "position", "sink patches", "all patches"], rows: Array(fed.prefix(40)), numeric: [1, 2]).html
            }
        }
        for gallery in report.decodedWords ?? [] {
            let rows = gallery.tokens.map { t in
                [t.group == "sink_fed" ? "sink-fed" : "ordinary", "\(t.token)",
                 zip(t.words, t.probs).map { "\($0.0.trimmingCharacters(in: .whitespaces)) (\(String(format: "%.2f", $0.1)))" }.joined(separator: ", ")]
            }
            body = body + .paragraph("Decoded words of image \(gallery.imageID), LLM layer \(gallery.layer) (logit lens: softmax(lm_head(norm(h))) of each token alone):")
                + HTMLTable(header: ["token kind", "LLM token", "top words (probability)"], rows: rows, numeric: [1]).html
        }
        for note in report.notes { body = body + .paragraph(note, class: "note") }
        let cards = figures.map { f in
            HTML.element("figure", [], .void("img", [("src", f.file), ("alt", f.caption)]), .element("figcaption", [], .text(f.caption)))
        }
        return cards.isEmpty ? body : body + HTML.element("div", [("class", "grid")], cards)
    }
}
