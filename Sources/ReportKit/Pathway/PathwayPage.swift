import ActivationStore
import Foundation
import Plotting
import SinkAnalysis

/// Writes the pathway results: `pathway.json`, the PNG figures and `pathway.html` (a standalone
/// page around `section`, which a full report can embed).
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
        let page = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>SinkScope pathway: \(escape(report.lvlm))</title>
            <style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}table{border-collapse:collapse}
            td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}figure{display:inline-block;margin:8px}
            figcaption{font-size:90%;max-width:420px}</style></head><body>
            \(section(report, figures: figures))
            </body></html>
            """
        try AtomicFile.write(Array(page.utf8), to: directory.appendingPathComponent("pathway.html"))
        return ["pathway.json"] + figures.map(\.file) + ["pathway.html"]
    }

    /// The HTML section: what was measured, the per-layer table, the figures (paths relative to the page).
    public static func section(_ report: PathwayReport, figures: [PathwayFigures.Figure]) -> String {
        let params = report.vitParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")
        var html = """
            <section id="pathway"><h2>From ViT sinks into the LLM: \(escape(report.lvlm))</h2>
            <p>\(report.images) images, \(report.visualTokens) visual tokens (\(report.grid[0])×\(report.grid[1])) from ViT layer \(report.vitLayer).
            ViT sinks by <b>\(escape(report.vitMethod))</b> (\(escape(params))): \(report.vitSinks.total)
            (\(String(format: "%.2f", report.vitSinks.meanPerImage)) per image). LLM-emerged sinks (massive activations at some LLM layer,
            not ViT sinks): \(report.emergedSinks.total). A token's <i>share</i> is the attention it receives in an LLM layer
            (head mean, summed over the query rows) divided by the number of query rows.</p>
            """
        if !report.attention.isEmpty {
            html += "<table><tr><th>LLM layer</th><th>ordinary %</th><th>ViT sink %</th><th>emerged %</th><th>ViT sink ×</th><th>emerged ×</th><th>Spearman ρ</th></tr>\n"
            for a in report.attention {
                let cells = [PathwayReport.formatPercent(a.ordinary.meanShare), PathwayReport.formatPercent(a.vitSinks.meanShare),
                             PathwayReport.formatPercent(a.emergedSinks.meanShare), PathwayReport.formatNumber(a.vitSinkRatio),
                             PathwayReport.formatNumber(a.emergedSinkRatio), PathwayReport.formatNumber(a.spearman)]
                html += "<tr><td>\(a.layer)</td>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>\n"
            }
            html += "</table>\n"
        }
        if !report.dimensions.isEmpty {
            let s = report.dimensionSplit
            func list(_ x: [Int]) -> String { x.isEmpty ? "none" : x.map(String.init).joined(separator: ", ") }
            html += "<p>LLM sink dimensions — lit by propagated ViT sinks: \(list(s.propagated)); by LLM-emerged sinks: \(list(s.emerged)); shared: \(list(s.shared)).</p>\n"
        }
        for note in report.notes { html += "<p><i>\(escape(note))</i></p>\n" }
        for f in figures {
            html += "<figure><img src=\"\(escape(f.file))\" alt=\"\(escape(f.caption))\"><figcaption>\(escape(f.caption))</figcaption></figure>\n"
        }
        return html + "</section>"
    }

    /// Text from image ids and names is escaped: it comes from user files.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
