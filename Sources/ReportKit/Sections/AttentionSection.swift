import Images
import Foundation
import Plotting
import SinkAnalysis

/// Section 5: how a token's norm relates to the attention it receives.
extension ReportContext {
    func attentionSection() throws -> (Page.Section, NormAttentionFacts) {
        let withReceived = results.filter(\.hasReceived)
        guard !withReceived.isEmpty else {
            let note = "The store has no received attention (it was extracted or imported without attention), "
                + "so the relation between a token's norm and the attention it receives cannot be shown."
            return (Page.Section(id: "attention", heading: "Norm and received attention", body: .element("p", [("class", "absent")], .text(note))),
                    NormAttentionFacts(available: false, note: note, layers: [], scatter: nil))
        }
        let relations = withReceived.compactMap { $0.detection.normAttention }
        let focus = withReceived.first { $0.layer == analysis.focusLayer }
            ?? withReceived.max { a, b in a.totalSinks != b.totalSinks ? a.totalSinks < b.totalSinks : a.layer < b.layer }!
        let scatter = try scatterFacts(focus)
        var panels: [HTML] = []
        let groups = scatter.groups.filter { !$0.x.isEmpty }
        let logX = logScale(groups.flatMap(\.x)), logY = logScale(groups.flatMap(\.y))
        panels.append(try figures.add(
            ScatterChart(groups: groups.map { g in ScatterChart.Group(name: g.name, x: g.x, y: g.y, color: Self.groupColor(g.name)) },
                         title: "Layer \(focus.layer): norm vs received attention",
                         xAxis: Axis("L2 norm" + (logX ? " (log)" : ""), log: logX),
                         yAxis: Axis("received attention (uniform = 1" + (logY ? ", log)" : ")"), log: logY),
                         legend: .outsideRight, pointSize: 5, alpha: 0.6, style: figures.style(720, 460)),
            name: String(format: "norm-vs-attention-l%02d", focus.layer), alt: "Scatter of token norm against received attention",
            caption: "Layer \(focus.layer): each point is a token; x its L2 norm, y the attention it receives (1 = uniform share). "
                + scatter.sampling, data: "normAttention.scatter"))
        let corr = relations.filter { $0.spearman != nil || $0.pearson != nil }
        if corr.count >= 2 {
            let x = corr.map { Double($0.layer) }
            var chart = try LineChart(series: [.init(name: "Spearman ρ", x: x, y: corr.map { $0.spearman ?? .nan }),
                                               .init(name: "Pearson r", x: x, y: corr.map { $0.pearson ?? .nan }, dashed: true)],
                                      title: "Norm–attention correlation by layer", xAxis: Axis("layer", integerTicks: true),
                                      yAxis: Axis("correlation", range: -1...1), legend: .lowerLeft, style: figures.style(560, 400))
            chart.spans = windowedSpans
            panels.append(try figures.add(
                chart, name: "norm-attention-correlation", alt: "Line chart of norm–attention correlation by layer",
                caption: "Correlation between a patch token's norm and the attention it receives, pooled over all patch tokens of all images, per layer."
                    + windowedCaption,
                data: "normAttention.layers"))
        }
        let rows = relations.map { r in
            ["\(r.layer)", "\(r.tokens)", Format.fixed(r.spearman), Format.fixed(r.pearson), Format.num(r.meanReceivedSinks),
             Format.num(r.meanReceivedOthers), Format.times(r.receivedRatio)]
        }
        let table = HTMLTable(header: ["layer", "patch tokens", "Spearman ρ", "Pearson r", "mean received: sinks", "non-sinks", "ratio"],
                              rows: rows, numeric: Set(1...6),
                              caption: "Norm vs received attention over patch tokens (CLS left out: it would dominate both coefficients); received attention in units of the uniform share.")
        let body = HTML.element("div", [("class", "grid")], panels) + table.html
        return (Page.Section(id: "attention", heading: "Norm and received attention", body: body),
                NormAttentionFacts(available: true, note: nil, layers: relations, scatter: scatter))
    }

    /// Sinks, CLS and a sample of the other patch tokens at one layer. The sample is drawn by rank
    /// among the non-sink patch tokens (counted from the mask), then the layer is read block by
    /// block keeping only the drawn tokens' values, so no layer's norms are held whole.
    func scatterFacts(_ r: LayerResult) throws -> ScatterFacts {
        guard r.hasReceived else {
            return ScatterFacts(layer: r.layer, xLabel: "L2 norm", yLabel: "received attention", groups: [], sampling: "")
        }
        let t = analysis.t, p = analysis.p
        var otherCount = 0
        for k in 0..<r.mask.count where r.mask[k] == 0 && k % t >= p { otherCount += 1 }
        let drawnRanks = TokenSample.draw(count: config.scatterPoints, from: otherCount, seed: config.seed)
        var others = ScatterGroup(name: "other patch tokens", x: [], y: []), sinks = ScatterGroup(name: "sinks", x: [], y: [])
        var cls = ScatterGroup(name: "CLS", x: [], y: [])
        var rank = 0, next = 0
        try analysis.store.forEachBlock(maxImages: analysis.blockSize) { block in
            let norms = try block.norms(layer: r.layer), received = try block.received(layer: r.layer)
            let base = block.images.lowerBound * t
            for j in 0..<norms.count {
                let k = base + j, token = k % t
                if r.mask[k] != 0 {
                    sinks.x.append(norms[j]); sinks.y.append(received[j])
                } else if token >= p {
                    if next < drawnRanks.count, drawnRanks[next] == rank {
                        others.x.append(norms[j]); others.y.append(received[j])
                        next += 1
                    }
                    rank += 1
                } else if token == 0 {
                    cls.x.append(norms[j]); cls.y.append(received[j])
                }
            }
        }
        let drawn = others.x, sinkCount = sinks.x.count
        var groups = [others, sinks]
        if p > 0 { groups.insert(cls, at: 1) }
        let sampling = "Drawn: " + (sinkCount == 0 ? "no sinks (there are none), " : "all \(sinkCount) sinks, ") + (p > 0 ? "the CLS token of every image, " : "")
            + (drawn.count == otherCount ? "and all \(otherCount) other patch tokens." : "and \(drawn.count) of the \(otherCount) other patch tokens (seeded sample).")
        return ScatterFacts(layer: r.layer, xLabel: "L2 norm", yLabel: "received attention (uniform = 1)", groups: groups, sampling: sampling)
    }

    /// Log axes when every value is positive and they span more than a factor of 30.
    func logScale(_ v: [Float]) -> Bool {
        let finite = v.filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max(), lo > 0 else { return false }
        return hi / lo > 30
    }

    /// Fixed colours per group name so every scatter of the report agrees.
    static func groupColor(_ name: String) -> RGB? {
        switch name {
        case "sinks": return RGB(hex: 0xD55E00)
        case "CLS": return RGB(hex: 0x009E73)
        case "other patch tokens", "non-sink patch tokens": return RGB(hex: 0x7A8A99)
        default: return nil
        }
    }
}
