import Foundation
import LinearAlgebra
import Plotting
import SinkAnalysis

/// Section 7: a PCA scatter of sink vs non-sink tokens; section 8: layer × layer similarity and
/// sink persistence.
extension ReportContext {
    func pcaSection() throws -> (Page.Section, PCAFacts) {
        let l = analysis.focusLayer
        func absent(_ note: String) -> (Page.Section, PCAFacts) {
            (Page.Section(id: "pca", heading: "PCA of sink and non-sink tokens", body: .element("p", [("class", "absent")], .text(note))),
             PCAFacts(available: false, note: note, layer: l, explainedVarianceRatio: [], scatter: nil))
        }
        guard let hidden = analysis.focusHidden, let r = analysis.result(l) else { return absent("No hidden states were read for the PCA.") }
        let t = analysis.t, p = analysis.p, d = model.hiddenSize
        var sinks: [Int] = [], cls: [Int] = [], others: [Int] = []
        for (slot, image) in analysis.sample.images.enumerated() {
            for token in 0..<t {
                let k = slot * t + token
                if r.mask[image * t + token] != 0 { sinks.append(k) } else if token >= p { others.append(k) } else if token == 0 { cls.append(k) }
            }
        }
        let drawn = TokenSample.draw(count: config.scatterPoints, from: others.count, seed: config.seed &+ 1).map { others[$0] }
        let picks = drawn + cls + sinks
        guard picks.count >= 3, d >= 2 else { return absent("Too few tokens (\(picks.count)) for a PCA at layer \(l).") }
        var x = Matrix(zeros: picks.count, d)
        for (row, k) in picks.enumerated() { x.values.replaceSubrange((row * d)..<((row + 1) * d), with: hidden[(k * d)..<((k + 1) * d)]) }
        let fitted: FittedPCA, z: Matrix
        do {
            fitted = try PCA(components: 2, method: .exact).fit(x)
            z = try fitted.transform(x)
        } catch {
            return absent("PCA at layer \(l) is not defined for these tokens: \(error)")
        }
        func group(_ name: String, _ range: Range<Int>) -> ScatterGroup {
            ScatterGroup(name: name, x: range.map { z[$0, 0] }, y: range.map { z[$0, 1] })
        }
        var groups = [group("non-sink patch tokens", 0..<drawn.count)]
        if !cls.isEmpty { groups.append(group("CLS", drawn.count..<(drawn.count + cls.count))) }
        groups.append(group("sinks", (drawn.count + cls.count)..<picks.count))
        let ratio = fitted.explainedVarianceRatio
        let sampling = "Tokens of \(analysis.sample.images.count) images: " + (sinks.isEmpty ? "no sinks, " : "all \(sinks.count) sinks, ")
            + (cls.isEmpty ? "" : "\(cls.count) CLS tokens, ")
            + "\(drawn.count) of \(others.count) non-sink patch tokens; PCA fitted on exactly these tokens."
        let scatter = ScatterFacts(layer: l, xLabel: "PC 1 (\(Format.percent(ratio[0])) of variance)",
                                   yLabel: "PC 2 (\(Format.percent(ratio[1])) of variance)", groups: groups, sampling: sampling)
        let chart = try ScatterChart(
            groups: groups.filter { !$0.x.isEmpty }.map { ScatterChart.Group(name: $0.name, x: $0.x, y: $0.y, color: Self.groupColor($0.name)) },
            title: "Layer \(l): first two principal components", xAxis: Axis(scatter.xLabel), yAxis: Axis(scatter.yLabel),
            legend: .outsideRight, pointSize: 5, alpha: 0.6, style: figures.style(760, 500))
        let figure = try figures.add(chart, name: String(format: "pca-l%02d", l), alt: "PCA scatter of tokens at layer \(l)",
                                     caption: "Hidden states at layer \(l) projected on their first two principal components. " + sampling,
                                     data: "pca.scatter")
        let why = config.focusLayer != nil ? "Layer \(l) was chosen with --focus-layer."
            : r.totalSinks > 0 ? "Layer \(l) has the most sinks (the deepest such layer on a tie)." : "No shown layer has sinks; the last layer is shown."
        return (Page.Section(id: "pca", heading: "PCA of sink and non-sink tokens", body: .paragraph(why) + figure),
                PCAFacts(available: true, note: nil, layer: l, explainedVarianceRatio: ratio, scatter: scatter))
    }

    func crossLayerSection(cka: [[Double?]], persistence: SinkPersistence?) throws -> (Page.Section, CrossLayerFacts) {
        let names = layers.map(String.init)
        var body = HTML.empty
        var note: String?
        if layers.count >= 2 {
            let values = cka.flatMap { $0.map { $0 ?? .nan } }
            let chart = try MatrixHeatmap(
                grid: GridValues(rows: layers.count, columns: layers.count, values: values), rowLabels: names, columnLabels: names,
                title: "Linear CKA between layers", xLabel: "layer", yLabel: "layer", colorBarLabel: "CKA", colorMap: .viridis,
                valueRange: 0...1, style: figures.style(min(900, 300 + 38 * layers.count), min(820, 240 + 38 * layers.count)))
            body = body + (try figures.add(
                chart, name: "cka-layers", alt: "Matrix of linear CKA between layers",
                caption: "Linear CKA (Kornblith et al. 2019) between the token representations of every pair of layers, on "
                    + "\(analysis.sample.picks.count) tokens (all token types) drawn from \(analysis.sample.images.count) images; 1 = the same up to rotation and scale.",
                data: "crossLayer.cka"))
        } else {
            note = "Only one layer is shown, so there is nothing to compare across layers."
            body = body + .element("p", [("class", "absent")], .text(note ?? ""))
        }
        if let persistence {
            let rows = persistence.transitions.map { t in
                ["\(t.from) → \(t.to)", "\(t.sinksFrom)", "\(t.sinksTo)", "\(t.kept)", Format.percent(t.share)]
            }
            let shares = persistence.transitions.filter { $0.share != nil }
            if shares.count >= 2 {
                let chart = try LineChart(
                    series: [.init(name: "sinks kept at the next layer", x: shares.map { Double($0.to) }, y: shares.map { $0.share ?? .nan })],
                    title: "Sink persistence", xAxis: Axis("to layer", integerTicks: true), yAxis: Axis("share of sinks kept", range: 0...1),
                    legend: .hidden, style: figures.style(560, 360))
                body = body + .element("h3", [], .text("Sink persistence")) + (try figures.add(
                    chart, name: "sink-persistence", alt: "Line chart of sink persistence between layers",
                    caption: "Share of the sink positions (image, token) at one shown layer that are still sinks at the next shown layer, plotted at the later layer.",
                    data: "crossLayer.persistence"))
            } else {
                body = body + .element("h3", [], .text("Sink persistence"))
            }
            let first = persistence.firstSinkLayer.map { "The first layer with sinks is \($0)." } ?? "No shown layer has sinks, so there is nothing to follow across layers."
            body = body + .paragraph(first)
            if persistence.firstSinkLayer != nil { body = body + HTMLTable(
                header: ["layers", "sinks before", "sinks after", "kept", "share kept"], rows: rows, numeric: [1, 2, 3, 4],
                caption: "Sink positions kept from one shown layer to the next (method \(analysis.source.method)).").html }
        }
        let facts = CrossLayerFacts(layers: layers, cka: cka, sampledImages: analysis.sample.images.count,
                                    sampledTokens: analysis.sample.picks.count, persistence: persistence, note: note)
        return (Page.Section(id: "cross-layer", heading: "Across layers", body: body), facts)
    }
}
