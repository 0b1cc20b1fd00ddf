import Foundation
import Plotting
import SinkAnalysis

/// The sections of the comparison page.
struct ComparePage {
    let figures: FigureSet
    let stores: [CompareStoreFacts]
    let cross: CrossStoreFacts?

    func storesSection() -> Page.Section {
        let rows = stores.map { s in
            [s.name, s.path, "\(s.model.name) (\(s.model.architecture))", "\(s.images)", "\(s.model.tokens) (\(s.model.prefixTokens) prefix, "
                + "\(s.model.grid.first ?? 0)×\(s.model.grid.last ?? 0))", "\(s.model.hiddenSize)", Format.layers(s.layers, in: s.layers),
             "\(s.source.method) (\(s.source.origin))"]
        }
        let table = HTMLTable(header: ["store", "path", "model", "images", "tokens T", "hidden D", "layers", "sink masks"], rows: rows,
                              numeric: [3, 5])
        let notes = stores.map { HTML.paragraph("\($0.name): " + $0.source.note, class: "note") }
        return Page.Section(id: "stores", heading: "Stores", body: table.html + HTML.join(notes))
    }

    func layersSection() throws -> Page.Section {
        var panels: [HTML] = []
        for s in stores where s.layers.count >= 2 {
            let names = s.layers.map(String.init)
            // Two matrices side by side on a 1400 px page when there are two stores.
            let side = min(stores.count == 2 ? 580 : 820, 280 + 36 * s.layers.count)
            panels.append(try figures.add(
                MatrixHeatmap(grid: GridValues(rows: s.layers.count, columns: s.layers.count, values: s.cka.flatMap { $0.map { $0 ?? .nan } }),
                              rowLabels: names, columnLabels: names, title: "Store \(s.name): CKA between layers", xLabel: "layer",
                              yLabel: "layer", colorBarLabel: "CKA", colorMap: .viridis, valueRange: 0...1,
                              style: figures.style(side + 40, side)),
                name: "cka-\(s.name.lowercased())", alt: "Matrix of linear CKA between the layers of store \(s.name)",
                caption: "Store \(s.name): linear CKA between every pair of layers on \(s.sampledTokens) tokens from \(s.sampledImages) images.",
                data: "stores[\(s.name)].cka"))
        }
        var body = HTML.element("div", [("class", "grid")], panels)
        for s in stores {
            guard let p = s.persistence else { continue }
            let shares = p.transitions.filter { $0.share != nil }
            let first = p.firstSinkLayer.map { "first layer with sinks: \($0)" } ?? "no layer has sinks"
            if shares.count >= 2 {
                body = body + (try figures.add(
                    LineChart(series: [.init(name: "kept", x: shares.map { Double($0.to) }, y: shares.map { $0.share ?? .nan })],
                              title: "Store \(s.name): sink persistence", xAxis: Axis("to layer", integerTicks: true),
                              yAxis: Axis("share of sinks kept", range: 0...1), legend: .hidden, style: figures.style(560, 340)),
                    name: "persistence-\(s.name.lowercased())", alt: "Line chart of sink persistence in store \(s.name)",
                    caption: "Store \(s.name) (\(first)): share of sink positions at one layer still sinks at the next.",
                    data: "stores[\(s.name)].persistence"))
            } else {
                body = body + .paragraph("Store \(s.name): \(first); too few layers with sinks to follow them across layers.", class: "note")
            }
        }
        return Page.Section(id: "layers", heading: "Across layers", body: body)
    }

    func crossSection() throws -> Page.Section {
        guard let cross, stores.count == 2 else { return Page.Section(id: "stores-compared", heading: "Across stores", body: .empty) }
        var body = HTML.paragraph(cross.note)
        if cross.mode != "none" {
            let chart = try MatrixHeatmap(
                grid: GridValues(rows: cross.layersA.count, columns: cross.layersB.count, values: cross.cka.flatMap { $0.map { $0 ?? .nan } }),
                rowLabels: cross.layersA.map(String.init), columnLabels: cross.layersB.map(String.init),
                title: "CKA: store A layers × store B layers", xLabel: "store B layer", yLabel: "store A layer", colorBarLabel: "CKA",
                colorMap: .viridis, valueRange: 0...1,
                style: figures.style(min(900, 320 + 36 * cross.layersB.count), min(860, 280 + 36 * cross.layersA.count)))
            body = body + (try figures.add(chart, name: "cka-cross", alt: "Matrix of linear CKA between the layers of store A and store B",
                                           caption: "Linear CKA between each layer of store A (rows) and each layer of store B (columns) on \(cross.samples) "
                                            + (cross.mode == "tokens" ? "shared tokens." : "shared images."),
                                           data: "crossStore.cka"))
            if !cross.sameLayer.isEmpty {
                body = body + HTMLTable(header: ["layer", "CKA (A vs B)"], rows: cross.sameLayer.map { ["\($0.layer)", Format.fixed($0.cka, 3)] },
                                        numeric: [0, 1], caption: "The same layer number in both stores.").html
            }
        }
        // Sink counts side by side.
        let layers = Array(Set(stores.flatMap(\.layers))).sorted()
        func count(_ s: CompareStoreFacts, _ l: Int) -> CountSummary? { s.sinks.first { $0.layer == l }?.sinks }
        let rows = layers.map { l -> [String] in
            ["\(l)"] + stores.flatMap { s in
                count(s, l).map { ["\($0.total)", Format.fixed($0.meanPerImage), "\($0.minPerImage)–\($0.maxPerImage)"] } ?? ["–", "–", "–"]
            }
        }
        let series = stores.map { s in
            LineChart.Series(name: "store \(s.name)", x: s.sinks.map { Double($0.layer) }, y: s.sinks.map(\.sinks.meanPerImage),
                             lower: s.sinks.map { Double($0.sinks.minPerImage) }, upper: s.sinks.map { Double($0.sinks.maxPerImage) })
        }
        let top = stores.flatMap(\.sinks).map(\.sinks.maxPerImage).max() ?? 0
        body = body + .element("h3", [], .text("Sinks per layer")) + (try figures.add(
            LineChart(series: series, title: "Sinks per image", xAxis: Axis("layer", integerTicks: true),
                      yAxis: Axis("sinks per image", range: 0...(Double(top) * 1.1 + (top == 0 ? 1 : 0.2))), legend: .upperLeft,
                      style: figures.style(640, 380)),
            name: "sinks-side-by-side", alt: "Line chart of sinks per image by layer for both stores",
            caption: "Mean sinks per image at each layer in each store (bands: fewest to most in one image). Methods: "
                + stores.map { "\($0.name) \($0.source.method) (\($0.source.origin))" }.joined(separator: ", ") + ".",
            data: "stores[].sinks"))
        body = body + HTMLTable(header: ["layer", "A sinks", "A per image", "A range", "B sinks", "B per image", "B range"], rows: rows,
                                numeric: Set(0...6)).html
        return Page.Section(id: "stores-compared", heading: "Across stores", body: body)
    }
}
