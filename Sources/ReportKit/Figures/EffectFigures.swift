import Foundation
import Plotting
import SinkAnalysis

/// The per-layer effect curves of an intervention (`effects.json`), drawn for the report's
/// Intervention section and for `compare` of a clean and an intervened store: cosines of clean vs
/// intervened tokens, patch-norm quantiles before and after, the selected tokens' received attention
/// and where a knockout's freed attention goes; then the findings and a table of every number.
struct EffectFigures {
    let figures: FigureSet
    let effects: InterventionEffects
    /// File-name prefix of the figures ("intervention" in a report, "effects" in a comparison).
    let name: String
    /// The report.json key the numbers sit under.
    let data: String

    /// Layers whose attention was captured, and those where the selection lost attention.
    private var attentionLayers: [InterventionEffects.LayerEffect] { effects.layers.filter { $0.attention != nil } }
    private var freedLayers: [InterventionEffects.LayerEffect] { attentionLayers.filter { ($0.attention?.freed ?? 0) > 1e-6 } }

    /// How many figures `html()` draws, for progress bars.
    static func planned(_ effects: InterventionEffects) -> Int {
        let attention = effects.layers.filter { $0.attention != nil }
        return 2 + (attention.isEmpty ? 0 : 1) + (attention.contains { ($0.attention?.freed ?? 0) > 1e-6 } ? 1 : 0)
    }

    func html() throws -> HTML {
        let x = effects.layers.map { Double($0.layer) }
        let marks = "Each point is the mean over \(effects.images) image\(effects.images == 1 ? "" : "s"); the intervention acts at "
            + InterventionEffects.layerList(effects.at) + "."
        var panels: [HTML] = []

        var cosines: [LineChart.Series] = []
        if effects.layers.contains(where: { $0.clsCosine != nil }) {
            cosines.append(.init(name: "CLS", x: x, y: effects.layers.map { $0.clsCosine ?? .nan }, color: Palette.color(0)))
        }
        cosines.append(.init(name: "pooled patches", x: x, y: effects.layers.map(\.pooledCosine), color: Palette.color(1)))
        cosines.append(.init(name: "other patches", x: x, y: effects.layers.map(\.otherPatchesCosine), color: Palette.color(2)))
        if effects.layers.contains(where: { $0.selectedCosine != nil }) {
            cosines.append(.init(name: "selected", x: x, y: effects.layers.map { $0.selectedCosine ?? .nan }, color: Palette.color(3)))
        }
        let lowest = cosines.flatMap(\.y).filter(\.isFinite).min() ?? 0
        panels.append(try figures.add(
            LineChart(series: cosines, title: "Clean vs intervened: cosine per layer", xAxis: Axis("layer", integerTicks: true),
                      yAxis: Axis("cosine (1 = unchanged)", range: min(lowest - 0.05, 0.9)...1.02), legend: .best,
                      style: figures.style(600, 360)),
            name: "\(name)-cosines", alt: "Line chart of the cosine between clean and intervened tokens by layer",
            caption: "Cosine between each token's clean and intervened hidden state: CLS, the mean-pooled patch tokens, the patch tokens "
                + "outside the selection, the selected tokens. " + marks, data: data))

        var norms: [LineChart.Series] = []
        for (k, (label, pick)) in [("median", \InterventionEffects.LayerEffect.medianPatchNorm), ("99th pct", \.p99PatchNorm),
                                   ("max", \.maxPatchNorm)].enumerated() {
            norms.append(.init(name: "\(label) clean", x: x, y: effects.layers.map { $0[keyPath: pick].clean }, color: Palette.color(k), dashed: true))
            norms.append(.init(name: "\(label) intervened", x: x, y: effects.layers.map { $0[keyPath: pick].intervened }, color: Palette.color(k)))
        }
        panels.append(try figures.add(
            LineChart(series: norms, title: "Patch-token norms, clean vs intervened", xAxis: Axis("layer", integerTicks: true),
                      yAxis: Axis("L2 norm"), legend: .best, style: figures.style(600, 360)),
            name: "\(name)-norms", alt: "Line chart of patch-token norm quantiles by layer, clean and intervened",
            caption: "Median, 99th-percentile and largest patch-token norm of each image (dashed: clean, solid: intervened). " + marks,
            data: data))

        let attention = attentionLayers
        if !attention.isEmpty {
            let ax = attention.map { Double($0.layer) }
            var series: [LineChart.Series] = [
                .init(name: "selected clean", x: ax, y: attention.map { $0.attention?.selected.clean ?? .nan }, color: Palette.color(3), dashed: true),
                .init(name: "selected intervened", x: ax, y: attention.map { $0.attention?.selected.intervened ?? .nan }, color: Palette.color(3)),
            ]
            if !effects.selectsCLS, attention.contains(where: { $0.attention?.cls != nil }) {
                series += [
                    .init(name: "CLS clean", x: ax, y: attention.map { $0.attention?.cls?.clean ?? .nan }, color: Palette.color(0), dashed: true),
                    .init(name: "CLS intervened", x: ax, y: attention.map { $0.attention?.cls?.intervened ?? .nan }, color: Palette.color(0)),
                ]
            }
            panels.append(try figures.add(
                LineChart(series: series, title: "Attention received, clean vs intervened", xAxis: Axis("layer", integerTicks: true),
                          yAxis: Axis("received per image (uniform token = 1)"), legend: .best, style: figures.style(600, 360)),
                name: "\(name)-received", alt: "Line chart of the attention the selected tokens receive by layer, clean and intervened",
                caption: "Head-mean attention received by the selected tokens"
                    + (series.count > 2 ? " and by CLS" : "") + ", summed over the group, per image (dashed: clean, solid: intervened).",
                data: data))
        }
        let freed = freedLayers
        if !freed.isEmpty {
            let fx = freed.map { Double($0.layer) }
            var shares: [LineChart.Series] = []
            if !effects.selectsCLS, freed.contains(where: { $0.attention?.toCls != nil }) {
                shares.append(.init(name: "to CLS", x: fx, y: freed.map { $0.attention?.toCls ?? .nan }, color: Palette.color(0)))
            }
            if !effects.selectsRegisters, freed.contains(where: { $0.attention?.toRegisters != nil }) {
                shares.append(.init(name: "to registers", x: fx, y: freed.map { $0.attention?.toRegisters ?? .nan }, color: Palette.color(4)))
            }
            shares.append(.init(name: "to other sinks", x: fx, y: freed.map { $0.attention?.toOtherSinks ?? .nan }, color: Palette.color(5)))
            shares.append(.init(name: "to ordinary patches", x: fx, y: freed.map { $0.attention?.toOrdinaryPatches ?? .nan }, color: Palette.color(2)))
            panels.append(try figures.add(
                LineChart(series: shares, title: "Where the freed attention goes", xAxis: Axis("layer", integerTicks: true),
                          yAxis: Axis("share of the freed attention"), legend: .best, style: figures.style(600, 360)),
                name: "\(name)-freed", alt: "Line chart of the share of freed attention each token group gains, by layer",
                caption: "Of the attention the selected tokens lost at a layer, the share each other group gained (other sinks: found by the "
                    + "detector on the clean run, outside the selection).", data: data))
        }
        let findings = HTML.element("ul", [("class", "findings")], effects.findings.map { HTML.element("li", [], .text($0)) })
        return findings + .element("div", [("class", "grid")], panels) + table().html
    }

    /// Every per-layer number of the file, four decimals.
    func table() -> HTMLTable {
        func f(_ x: Double?) -> String { Format.fixed(x, 4) }
        func change(_ c: InterventionEffects.Change?) -> String { c.map { f($0.clean) + " → " + f($0.intervened) } ?? "–" }
        let rows = effects.layers.map { e -> [String] in
            ["\(e.layer)", f(e.clsCosine), f(e.pooledCosine), f(e.otherPatchesCosine), f(e.selectedCosine), change(e.p99PatchNorm),
             change(e.selectedNorm), change(e.attention?.selected), f(e.attention?.freed),
             f(effects.selectsCLS ? nil : e.attention?.toCls), f(effects.selectsRegisters ? nil : e.attention?.toRegisters),
             f(e.attention?.toOtherSinks), f(e.attention?.toOrdinaryPatches)]
        }
        let final = ["final", f(effects.final.clsCosine), f(effects.final.pooledCosine), "–", "–", "–", "–", "–", "–", "–", "–", "–", "–"]
        return HTMLTable(
            header: ["layer", "CLS cos", "pooled cos", "other patches cos", "selected cos", "p99 patch norm", "selected norm",
                     "selected received", "freed", "→ CLS", "→ registers", "→ other sinks", "→ ordinary"],
            rows: rows + [final], numeric: Set(0...12),
            caption: "Clean vs intervened per layer (means over images); received attention per image (uniform token = 1); freed: attention "
                + "the selection lost; → columns: share of it each group gained. Final: the model's last output (final norm applied); "
                + "its relative change is \(f(effects.final.relativeChange)).")
    }
}
