import Foundation
import Plotting
import SinkAnalysis

/// Section 2: sinks layer by layer (table, counts and norms by layer) and section 3: the norm
/// histograms with the threshold marked.
extension ReportContext {
    func sinksSection() throws -> Page.Section {
        let rows = results.map { r -> [String] in
            let d = r.detection, cls = d.cls
            let reg = analysis.registers == 0 ? [] : [Format.times(d.registers?.normRatio), Format.times(d.registers?.receivedRatio)]
            return [layerLabel(r.layer), thresholdText(r), r.calibration.hasSeparateMode ? "yes" : "no", "\(d.sinks.total)",
                    Format.fixed(d.sinks.meanPerImage), "\(d.sinks.minPerImage)", "\(d.sinks.maxPerImage)",
                    "\(d.sinks.imagesWithSinks)", Format.num(d.otherNormMedian), Format.times(d.normRatio),
                    Format.times(d.receivedRatio), Format.times(cls?.normRatio), Format.times(cls?.receivedRatio),
                    cls?.topReceiverShare.map { Format.percent($0) } ?? "–"] + reg + windowedCell(r)
        }
        let k = analysis.registers
        let table = HTMLTable(
            header: ["layer", "threshold", "high-norm mode", "sinks", "per image", "min", "max", "images with sinks",
                     "median patch norm", "sink / other norm", "sink / other attention", "CLS norm ×", "CLS attention ×", "CLS top receiver"]
                + (k == 0 ? [] : ["registers norm ×", "registers attention ×"]) + (windowedLayers.isEmpty ? [] : ["attention"]),
            rows: rows, numeric: Set(3...(k == 0 ? 13 : 15)),
            caption: "Per layer: the threshold applied; whether the patch-token norms have a separate high-norm mode "
                + "(calibration); sinks in all \(analysis.n) images and per image; the median norm of non-sink patch tokens; "
                + "median sink norm ÷ median non-sink patch norm; mean received attention of sinks ÷ non-sink patches; "
                + "CLS norm ÷ the image's median patch norm and CLS received attention ÷ the mean patch's (averaged over images); "
                + "share of images where CLS receives the most attention"
                + (k == 0 ? "." : "; the same two ratios for the \(k) register token\(k == 1 ? "" : "s") (designed sinks, Darcet et al.), "
                    + "averaged over the registers. Registers are reported beside CLS and never counted among the patch tokens."))
        var body = table.html
        if let note = llmLayerNote { body = body + note }
        let notes = results.compactMap(\.maskNote) + [windowedNote].compactMap { $0 }
        for note in notes { body = body + .paragraph(note, class: "note") }
        if results.count >= 2 {
            body = body + .element("div", [("class", "grid")], try countsChart(), try normsChart())
        }
        return Page.Section(id: "sinks", heading: "Sinks by layer", body: body)
    }

    /// Mean sinks per image by layer with a min–max band.
    func countsChart() throws -> HTML {
        let x = results.map { Double($0.layer) }
        let chart = try LineChart(
            series: [.init(name: "sinks per image (band: min–max)", x: x, y: results.map(\.detection.sinks.meanPerImage),
                           lower: results.map { Double($0.detection.sinks.minPerImage) },
                           upper: results.map { Double($0.detection.sinks.maxPerImage) })],
            title: "Sinks per image", xAxis: Axis("layer", integerTicks: true),
            yAxis: Axis("sinks per image", range: 0...(Double(results.map(\.detection.sinks.maxPerImage).max() ?? 0) * 1.1 + (results.allSatisfy { $0.totalSinks == 0 } ? 1 : 0.2))),
            legend: .upperLeft, style: figures.style(640, 380))
        return try figures.add(chart, name: "sinks-per-image", alt: "Line chart of sinks per image by layer",
                               caption: "Mean number of sinks per image at each layer (method \(analysis.source.method)); "
                                + "the band spans the image with the fewest to the one with the most.",
                               data: "detection.layers[].sinks")
    }

    /// Median norms of sinks and other patches, and CLS's mean norm, by layer (log scale).
    func normsChart() throws -> HTML {
        let x = results.map { Double($0.layer) }
        var series: [LineChart.Series] = [
            .init(name: "non-sink patches (median)", x: x, y: results.map { $0.detection.otherNormMedian ?? .nan }),
        ]
        if results.contains(where: { $0.detection.sinkNormMedian != nil }) {
            series.append(.init(name: "sinks (median)", x: x, y: results.map { $0.detection.sinkNormMedian ?? .nan }))
        }
        if results.contains(where: { $0.detection.cls != nil }) {
            series.append(.init(name: "CLS (mean)", x: x, y: results.map { $0.detection.cls?.meanNorm ?? .nan }, dashed: true))
        }
        if analysis.registers > 0 {
            series.append(.init(name: "registers (mean)", x: x, y: results.map { $0.detection.registers?.meanNorm ?? .nan }, dashed: true))
        }
        let positive = series.flatMap(\.y).filter { $0.isFinite && $0 > 0 }
        let useLog = (positive.max() ?? 1) / max(positive.min() ?? 1, 1e-12) > 20
        let llmLine = llmLayerSeries(over: series, positiveOnly: useLog)
        if let llmLine { series.append(llmLine) }
        var chart = try LineChart(
            series: series, title: "Token norms by layer", xAxis: Axis("layer", integerTicks: true),
            yAxis: Axis("L2 norm" + (useLog ? " (log)" : ""), log: useLog), legend: .upperLeft, style: figures.style(640, 380))
        chart.spans = windowedSpans
        return try figures.add(chart, name: "norms-by-layer", alt: "Line chart of token norms by layer",
                               caption: "Median L2 norm of the sinks and of the other patch tokens, and the mean CLS norm"
                                + (analysis.registers > 0 ? " and mean register norm" : "") + ", at each layer"
                                + (useLog ? " (log scale)" : "")
                                + (llmLine == nil ? "." : "; the dashed vertical line marks the layer the LLM sees.") + windowedCaption,
                               data: "detection.layers[].sinkNormMedian, otherNormMedian, prefix[0].meanNorm"
                                + (analysis.registers > 0 ? ", registers.meanNorm" : ""))
    }

    /// One histogram of patch-token norms per layer, log counts, threshold dashed.
    func histogramSection() throws -> (Page.Section, [NormHistogram]) {
        var facts: [NormHistogram] = []
        var panels: [HTML] = []
        for r in results {
            let (edges, counts) = r.normHistogram
            let label = r.marker.map { "\($0.label) = \(Format.num($0.value))" }
            let fact = NormHistogram(layer: r.layer, edges: edges, counts: counts, marker: r.marker?.value,
                                     markerLabel: r.marker?.label, sinks: r.totalSinks)
            facts.append(fact)
            let chart = try Histogram(
                edges: edges, counts: counts.map(Double.init), logCounts: true,
                threshold: r.marker.map { Histogram.Threshold(value: $0.value, label: label) },
                title: "Layer \(r.layer): \(r.totalSinks) sink\(r.totalSinks == 1 ? "" : "s")",
                xLabel: "patch-token norm", yLabel: "tokens (log)", style: figures.style(410, 270))
            let markerText = r.marker.map { m in
                m.label == "τ" ? "the dashed line is the method's threshold τ = \(Format.num(m.value))"
                    : "the dashed line is the calibrated threshold τ = \(Format.num(m.value))"
                        + (analysis.source.method == "norm" ? "" : " (for reference; the masks use method \(analysis.source.method))")
            } ?? "no threshold is marked: " + (r.calibration.hasSeparateMode ? "the method has no single norm threshold" : "calibration found no separate high-norm mode")
            panels.append(try figures.add(
                chart, name: String(format: "norm-hist-l%02d", r.layer),
                alt: "Histogram of patch-token norms at layer \(r.layer)",
                caption: "Layer \(r.layer): norms of the \(counts.reduce(0, +)) patch tokens of all images, counts on a log scale; "
                    + markerText + "; \(r.totalSinks) sinks.",
                data: "histograms[layer=\(r.layer)]"))
        }
        let intro = HTML.paragraph(
            "One histogram per layer of the L2 norms of all patch tokens (CLS and registers left out). Sinks by norm "
            + "show up as a separate group of bars far to the right of the bulk; the calibration verdicts are in report.json "
            + "(detection.calibration).")
        let section = Page.Section(id: "histograms", heading: "Norm histograms",
                                   body: intro + .element("div", [("class", "grid")], panels))
        return (section, facts)
    }
}
