import Foundation
import Plotting
import SinkAnalysis

/// `compare CLEAN INTERVENED`, when one of the two stores was written by `sinkscope intervene`
/// (it has `effects.json`): the effect curves, then the same images before and after, their norm
/// and received-attention heatmaps side by side on one colour scale per pair.
struct InterventionComparison {
    let effects: InterventionEffects
    let clean: StoreAnalysis
    let intervened: StoreAnalysis
    /// Store names on the page ("A", "B").
    let cleanName: String
    let intervenedName: String
    /// Store indices (clean, intervened) of the images shown.
    let images: [(clean: Int, intervened: Int)]
    let layers: [Int]

    /// Up to `count` images both stores hold (matched by id), at two layers both stores show: the
    /// first the intervention acts at and the last (where its effects have accumulated).
    init(effects: InterventionEffects, clean: StoreAnalysis, intervened: StoreAnalysis,
         cleanName: String, intervenedName: String, count: Int) {
        self.effects = effects
        self.clean = clean
        self.intervened = intervened
        self.cleanName = cleanName
        self.intervenedName = intervenedName
        let ids = Dictionary(intervened.store.images.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        images = Array(clean.store.images.enumerated().compactMap { i, e in ids[e.id].map { (clean: i, intervened: $0) } }.prefix(count))
        let common = clean.layers.filter(intervened.layers.contains)
        let first = effects.at.first { common.contains($0) }
        layers = Array(Set([first, common.last].compactMap { $0 })).sorted()
    }

    /// Figures `section()` draws.
    var planned: Int {
        let received = layers.filter { clean.result($0)?.hasReceived == true && intervened.result($0)?.hasReceived == true }.count
        return EffectFigures.planned(effects) + images.count * (2 * layers.count + 2 * received)
    }

    var facts: InterventionCompareFacts {
        InterventionCompareFacts(clean: cleanName, intervened: intervenedName, effects: effects, layers: layers,
                                 images: images.map { clean.store.images[$0.clean].id })
    }

    func section(figures: FigureSet) throws -> Page.Section {
        var body = HTML.paragraph("Store \(intervenedName) is the intervened run of sinkscope intervene (--do \(effects.intervention) --tokens "
            + "\(effects.tokens) at \(InterventionEffects.layerList(effects.at))); store \(cleanName) is taken as the clean run. The curves come "
            + "from \(intervenedName)'s \(InterventionEffects.fileName), which compares it with the clean run intervene made itself.")
        body = body + (try EffectFigures(figures: figures, effects: effects, name: "effects", data: "intervention.effects").html())
        guard !images.isEmpty, !layers.isEmpty else {
            return Page.Section(id: "intervention", heading: "Clean vs intervened",
                                body: body + .paragraph("The stores share no image at a common layer, so no image is shown before and after.", class: "note"))
        }
        body = body + .element("h3", [], .text("The same images before and after"))
            + .paragraph("Each pair of heatmaps shares one colour scale: left the clean store \(cleanName), right the intervened store "
                         + "\(intervenedName); cyan outlines are each store's own sinks (method \(clean.source.method) / \(intervened.source.method)).")
        let source = GalleryImageSource(store: clean.store, imagesDirectory: nil)
        let grid = (max(clean.model.grid.first ?? 1, 1), max(clean.model.grid.last ?? 1, 1))
        // Wide enough for "Layer 12 attention: intervened (B)"; two panels a row fit a 1400 px page.
        let width = min(560, max(400, grid.1 * 12 + 170)), height = width - 50
        var cards: [HTML] = []
        for (k, pair) in images.enumerated() {
            let picture = source.load(clean.store.images[pair.clean])
            var cells: [HTML] = []
            for l in layers {
                guard let a = clean.result(l), let b = intervened.result(l) else { continue }
                let rowA = (pair.clean * clean.t)..<((pair.clean + 1) * clean.t), rowB = (pair.intervened * intervened.t)..<((pair.intervened + 1) * intervened.t)
                func marked(_ r: LayerResult, _ row: Range<Int>, _ p: Int) -> [Int] { (p..<(row.count)).filter { r.mask[row.lowerBound + $0] != 0 }.map { $0 - p } }
                // Only this image's rows are read: the analyses keep no layer's norms or attention.
                let normsA = try a.norms(store: clean.store, images: [pair.clean]), normsB = try b.norms(store: intervened.store, images: [pair.intervened])
                let receivedA = try a.received(store: clean.store, images: [pair.clean])
                let receivedB = try b.received(store: intervened.store, images: [pair.intervened])
                let kinds: [(String, String, ColorMap, [Float], [Float])] = [("norm", "L2 norm", .magma, normsA, normsB)]
                    + (receivedA.flatMap { ra in receivedB.map { rb in [("attn", "received (uniform = 1)", ColorMap.viridis, ra, rb)] } } ?? [])
                for (tag, bar, map, va, vb) in kinds {
                    let before = Array(va.dropFirst(clean.p)), after = Array(vb.dropFirst(intervened.p))
                    for (side, values, store, mask) in [(cleanName, before, "clean", marked(a, rowA, clean.p)),
                                                        (intervenedName, after, "intervened", marked(b, rowB, intervened.p))] {
                        cells.append(try PatchHeatmap(values: values, image: picture.image, grid: grid, marked: mask,
                                                      title: "Layer \(l) \(tag == "norm" ? "norm" : "attention"): \(store) (\(side))",
                                                      bar: bar, map: map, scaleValues: before + after)
                            .add(to: figures, size: (width, height), name: String(format: "effects-%02d-l%02d-\(tag)-\(store)", k, l),
                                 caption: "Image \(clean.store.images[pair.clean].id), layer \(l): \(tag == "norm" ? "L2 norm" : "received attention") "
                                    + "of each patch token in the \(store) store \(side); the same colour scale as its pair."))
                    }
                }
            }
            let card = HTML.element("h3", [], .text("Image \(clean.store.images[pair.clean].id)"))
                + .element("div", [("class", "panels"), ("style", "grid-template-columns: repeat(2, max-content)")], cells)
            cards.append(.element("div", [("class", "card")], card))
        }
        return Page.Section(id: "intervention", heading: "Clean vs intervened", body: body + HTML.join(cards))
    }
}

/// The clean-vs-intervened part of a comparison's report.json.
public struct InterventionCompareFacts: Sendable, Codable, Equatable {
    /// Page names of the clean and the intervened store.
    public var clean: String
    public var intervened: String
    public var effects: InterventionEffects
    /// Layers and image ids shown before and after.
    public var layers: [Int]
    public var images: [String]
}
