import Support
import ActivationStore
import Foundation
import Plotting
import SinkAnalysis

/// Builds the comparison page: each store's layer × layer CKA and sink persistence, and with a
/// second store, CKA between the stores' layers and their sink counts side by side.
///
///     let summary = try CompareBuilder(CompareConfig(stores: [a, b], out: out)).build()
///
/// The stores are only read.
public struct CompareBuilder: Sendable {
    public let config: CompareConfig

    public init(_ config: CompareConfig) { self.config = config }

    public func build() throws -> CompareSummary {
        let start = Date()
        try config.validate()
        let readers = try config.stores.map { try StoreReader(url: $0) }
        var analyses: [StoreAnalysis] = []
        for reader in readers {
            let layers = try StoreAnalysis.chooseLayers(config.layers, store: reader)
            let sample = TokenSample.make(imageCount: reader.images.count, tokens: reader.model.tokens, maxImages: config.sampleImages,
                                          maxTokens: config.ckaTokens, seed: config.seed)
            analyses.append(StoreAnalysis(store: reader, layers: layers, source: try SinkSource.resolve(store: reader, requested: config.method),
                                          sample: sample))
        }
        // With two stores, one written by intervene (B when both were): clean vs intervened.
        let effects = analyses.count == 2 ? try analyses.map { try ReportContext.interventionEffects(store: $0.store.url) } : []
        let intervenedIndex = effects.lastIndex { $0 != nil }
        let output = try ReportDirectory(target: config.out)
        do {
            let summary = try build(analyses, intervened: intervenedIndex.flatMap { i in effects[i].map { (i, $0) } }, output: output, start: start)
            try output.commit()
            return summary
        } catch {
            output.discard()
            throw error
        }
    }

    private func build(_ initial: [StoreAnalysis], intervened: (index: Int, effects: InterventionEffects)?, output: ReportDirectory, start: Date) throws -> CompareSummary {
        var analyses = initial
        let passes = analyses.reduce(0) { $0 + 2 * $1.layers.count } + (analyses.count == 2 ? analyses.reduce(0) { $0 + $1.layers.count } : 0)
        let reading = ProgressBar(total: passes, unit: "layer passes", label: "compare: reading", enabled: config.progress)
        for k in analyses.indices {
            try analyses[k].loadLayers { reading.advance() }
            try analyses[k].loadRepresentations(focus: nil, keepFocus: false) { reading.advance() }
        }
        var cross: CrossStoreFacts?
        if analyses.count == 2 {
            cross = try CrossStore.compare(analyses[0].store, analyses[1].store, layersA: analyses[0].layers,
                                           layersB: analyses[1].layers, config: config) { reading.advance() }
        }
        reading.finish()

        let names = analyses.count == 2 ? ["A", "B"] : ["A"]
        let facts = try zip(names, analyses).map { name, a in
            CompareStoreFacts(name: name, path: a.store.url.path, model: a.model, images: a.n, layers: a.layers, source: a.source,
                              sinks: a.results.map { LayerSinkCount(layer: $0.layer, sinks: $0.detection.sinks) },
                              cka: CKAMatrix.symmetric(a.grams), sampledImages: a.sample.images.count,
                              sampledTokens: a.sample.picks.count, persistence: try a.persistence())
        }
        let comparison = intervened.map { i in
            InterventionComparison(effects: i.effects, clean: analyses[1 - i.index], intervened: analyses[i.index],
                                   cleanName: names[1 - i.index], intervenedName: names[i.index], count: config.galleryImages)
        }
        let planned = facts.reduce(0) { $0 + ($1.layers.count >= 2 ? 2 : 0) } + (cross == nil ? 0 : 3) + (comparison?.planned ?? 0)
        let drawing = ProgressBar(total: planned, unit: "figures", label: "compare: drawing", enabled: config.progress)
        let figures = try FigureSet(directory: output.staging.appendingPathComponent("figures"), scale: config.scale) { _ in drawing.advance() }
        let page = ComparePage(figures: figures, stores: facts, cross: cross)
        var sections = [page.storesSection()]
        if let comparison { sections.append(try comparison.section(figures: figures)) }
        sections += [try page.layersSection()] + (cross == nil ? [] : [try page.crossSection()])
        drawing.finish()
        let seconds = Date().timeIntervalSince(start)
        let html = Page(title: "SinkScope comparison", subtitle: facts.map { "\($0.name): \($0.model.name) (\($0.images) images)" }.joined(separator: " · "),
                        sections: sections,
                        footer: "Made by sinkscope compare. Every number shown is in report.json next to this page; figures are in figures/.").html
        let document = CompareDocument(stores: facts, crossStore: cross, intervention: comparison?.facts, figures: figures.records, seconds: seconds)
        try output.write(Data(html.utf8), to: "index.html")
        try output.write(try document.reportJSON(), to: "report.json")
        return CompareSummary(
            directory: output.target.path, html: output.target.appendingPathComponent("index.html").path,
            json: output.target.appendingPathComponent("report.json").path, figures: figures.records.count,
            stores: facts.map { "\($0.name) = \($0.path)" }, crossMode: cross?.mode, sameLayer: cross?.sameLayer ?? [], seconds: seconds)
    }
}
