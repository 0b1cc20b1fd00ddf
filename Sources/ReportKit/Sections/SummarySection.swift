import ActivationStore
import Foundation
import SinkAnalysis

/// Section 1: what was analysed, how sinks were found, and the findings in sentences.
extension ReportContext {
    func summarySection(headlines: [String]) -> Page.Section {
        let m = model, source = analysis.source
        let shape = "\(m.grid.first ?? 0)×\(m.grid.last ?? 0) patch grid, T = \(m.tokens) tokens (\(m.prefixTokens) prefix), "
            + "D = \(m.hiddenSize), H = \(m.heads), L = \(m.layers) blocks"
        var facts: [(String, String)] = [
            ("Store", store.url.path),
            ("Model", "\(m.name) (\(m.architecture)), patch " + (m.patchSize > 0 ? "\(m.patchSize) px" : "size unknown")
                + ", input " + (m.imageSize > 0 ? "\(m.imageSize) px" : "size unknown")),
            ("Shape", shape),
            ("Images", "\(analysis.n)"),
            ("Layers shown", Format.layers(layers, in: layers) + (layers == store.layers ? " (all captured)" : " of captured " + Format.layers(store.layers, in: store.layers))),
            ("Received attention", store.manifest.receivedLayers.isEmpty ? "not captured"
                : "layers " + Format.layers(store.manifest.receivedLayers, in: store.manifest.receivedLayers)),
            ("Sink masks", "method \(source.method), \(source.origin == "stored" ? "read from the store" : "computed by the report"); "
                + "parameters: " + Format.parameters(source.parameters)
                + (source.includePrefix ? "; prefix tokens may be sinks" : "; prefix tokens (CLS, registers) are not in the masks")),
            ("Thresholds", thresholdsSummary()),
            ("Sinks per image", sinksSummary()),
        ]
        if let pre = store.manifest.preprocessing, !pre.isEmpty {
            facts.append(("Preprocessing", pre.keys.sorted().filter { $0 != "source" }.map { "\($0) \(pre[$0] ?? "")" }.joined(separator: "; ")))
        }
        let dl = HTML.element("dl", [("class", "facts")], facts.map { HTML.element("dt", [], .text($0.0)) + .element("dd", [], .text($0.1)) })
        var body = dl + .element("h3", [], .text("Findings"))
            + .element("ul", [("class", "findings")], headlines.map { HTML.element("li", [], .text($0)) })
            + .paragraph(source.note, class: "note")
        let labels = labelCounts()
        if !labels.isEmpty {
            let rows = labels.keys.sorted().map { column -> [String] in
                let values = labels[column] ?? [:]
                let top = values.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                let shown = top.prefix(8).map { "\($0.key) (\($0.value))" }.joined(separator: ", ")
                return [column, "\(values.count)", shown + (top.count > 8 ? ", …" : "")]
            }
            body = body + .element("h3", [], .text("Labels"))
                + HTMLTable(header: ["column", "values", "most frequent (images)"], rows: rows, numeric: [1]).html
        }
        return Page.Section(id: "summary", heading: "Summary", body: body)
    }

    /// Label column → value → images.
    func labelCounts() -> [String: [String: Int]] {
        var out: [String: [String: Int]] = [:]
        for image in store.images {
            for (k, v) in image.labels { out[k, default: [:]][v, default: 0] += 1 }
        }
        return out
    }

    func thresholdsSummary() -> String {
        let source = analysis.source
        guard source.method == "norm" else {
            return results.first.map(thresholdText) ?? "–"
        }
        if (source.parameters["tau"] ?? "auto") != "auto" { return "τ = \(source.parameters["tau"] ?? "?") (given) on every layer" }
        let calibrated = results.filter { $0.detection.thresholdSource == "calibrated" }
        guard !calibrated.isEmpty else { return "calibrated per layer (--tau auto): no layer has a separate high-norm mode, so no threshold" }
        return "calibrated per layer (--tau auto): " + calibrated.map { "layer \($0.layer) τ = \(Format.num($0.detection.threshold))" }.joined(separator: ", ")
            + (calibrated.count < results.count ? "; no separate mode on the other layers" : "")
    }

    func sinksSummary() -> String {
        let busy = results.filter { $0.totalSinks > 0 }
        guard !busy.isEmpty else { return "no sinks on any shown layer" }
        let lo = busy.map(\.detection.sinks.minPerImage).min() ?? 0, hi = busy.map(\.detection.sinks.maxPerImage).max() ?? 0
        return (lo == hi ? "\(lo)" : "\(lo)–\(hi)") + " per image at the \(busy.count) layer\(busy.count == 1 ? "" : "s") with sinks (" + Format.layers(busy.map(\.layer), in: layers) + "); details below"
    }
}
