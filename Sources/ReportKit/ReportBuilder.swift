import Support
import ActivationStore
import Foundation
import SinkAnalysis

/// What `build()` made, for the command line's summary.
public struct ReportSummary: Sendable, Codable, Equatable {
    public var directory: String
    public var html: String
    public var json: String
    public var figures: Int
    public var images: Int
    public var layers: [Int]
    public var method: String
    /// "stored" or "computed".
    public var maskOrigin: String
    public var headlines: [String]
    public var seconds: Double

    public var text: String {
        (["Report: \(html)", "  \(figures) figures, \(images) images, layers \(Format.layers(layers, in: layers)), sinks by method "
            + "\(method) (\(maskOrigin)), built in \(String(format: "%.1f", seconds)) s", "Findings:"]
            + headlines.map { "  - " + $0 }).joined(separator: "\n")
    }
}

/// Builds the HTML report of one store: `index.html`, `figures/*.png` and `report.json`.
///
///     let summary = try ReportBuilder(ReportConfig(store: storeURL, out: outURL)).build()
///     print(summary.text)
///
/// The store is only read (masks the report computes stay in memory). Progress goes to stderr:
/// one bar over the layers while reading, one over the figures while drawing.
public struct ReportBuilder: Sendable {
    public let config: ReportConfig

    public init(_ config: ReportConfig) { self.config = config }

    /// - Throws: `ReportError` for bad options, an empty store, a layer that was not captured,
    ///   an output path holding something else, unreadable probe results; store errors as they come.
    public func build() throws -> ReportSummary {
        let start = Date()
        try config.validate()
        let store = try StoreReader(url: config.store)
        let layers = try StoreAnalysis.chooseLayers(config.layers, store: store)
        if let f = config.focusLayer, !layers.contains(f) {
            throw ReportError.unknownLayer(store: store.url.path, layer: f, available: layers)
        }
        let source = try SinkSource.resolve(store: store, requested: config.method)
        let probes = try config.results.map(ProbeResultsReader.read)
            ?? ProbeFacts(available: false, note: "No probe results were given (run sinkscope probe, then pass its output directory with --results).", source: nil, kind: nil, rows: [])
        let effects = try ReportContext.interventionEffects(store: store.url)
        let output = try ReportDirectory(target: config.out)
        do {
            let summary = try build(store: store, layers: layers, source: source, probes: probes, effects: effects, output: output, start: start)
            try output.commit()
            return summary
        } catch {
            output.discard()
            throw error
        }
    }

    private func build(store: StoreReader, layers: [Int], source: SinkSource, probes: ProbeFacts,
                       effects: InterventionEffects?, output: ReportDirectory, start: Date) throws -> ReportSummary {
        let sample = TokenSample.make(imageCount: store.images.count, tokens: store.model.tokens, maxImages: config.sampleImages,
                                      maxTokens: config.ckaTokens, seed: config.seed)
        var analysis = StoreAnalysis(store: store, layers: layers, source: source, sample: sample)
        analysis.blockImages = config.blockImages
        let reading = ProgressBar(total: 2 * layers.count, unit: "layer passes", label: "report: reading", enabled: config.progress)
        try analysis.loadLayers { reading.advance() }
        try analysis.loadRepresentations(focus: config.focusLayer, keepFocus: true) { reading.advance() }
        reading.finish()

        let cka = CKAMatrix.symmetric(analysis.grams)
        let persistence = try analysis.persistence()
        let headlines = Headlines(layers: layers, results: analysis.results, imageCount: store.images.count, source: source,
                                  hasReceived: analysis.results.contains(where: \.hasReceived), persistence: persistence, cka: cka, probes: probes.rows).sentences

        // The drawing bar needs its total before the figures exist: count them from the plan.
        let total = ((try? ReportContext(config: config, analysis: analysis, figures: nil).plannedFigures(probes: probes)) ?? 0)
            + (effects.map(EffectFigures.planned) ?? 0)
        let drawing = ProgressBar(total: total, unit: "figures", label: "report: drawing", enabled: config.progress)
        let figures = try FigureSet(directory: output.staging.appendingPathComponent("figures"), scale: config.scale) { _ in drawing.advance() }
        let context = ReportContext(config: config, analysis: analysis, figures: figures)
        let summarySection = context.summarySection(headlines: headlines)
        let sinks = try context.sinksSection()
        let (histogramSection, histograms) = try context.histogramSection()
        let (gallerySection, gallery) = try context.gallerySection()
        let (attentionSection, normAttention) = try context.attentionSection()
        let probeSection = try context.probeSection(probes)
        let (pcaSection, pca) = try context.pcaSection()
        let (crossSection, crossLayer) = try context.crossLayerSection(cka: cka, persistence: persistence)
        let interventionSection = try effects.map(context.interventionSection)
        drawing.finish()

        let seconds = Date().timeIntervalSince(start)
        let page = Page(
            title: "SinkScope report: \(store.model.name)",
            subtitle: "\(store.images.count) images · layers \(Format.layers(layers, in: layers)) · sinks by method \(source.method) (\(source.origin))",
            sections: [summarySection] + (interventionSection.map { [$0] } ?? [])
                + [sinks, histogramSection, gallerySection, attentionSection, probeSection, pcaSection, crossSection],
            footer: "Made by sinkscope report from \(store.url.path). Every number shown is in report.json next to this page; figures are in figures/.")
        let document = ReportDocument(
            store: StoreFacts(path: store.url.path, model: store.model, images: store.images.count, capturedLayers: store.layers,
                              layers: layers, receivedLayers: store.manifest.receivedLayers, preprocessing: store.manifest.preprocessing,
                              labels: context.labelCounts(), notes: store.manifest.notes),
            detection: DetectionFacts(
                source: source, layers: analysis.results.map(\.detection), sinksPerImage: analysis.results.map(\.counts),
                calibration: analysis.results.map {
                    LayerCalibration(layer: $0.layer, hasSeparateMode: $0.calibration.hasSeparateMode, tau: finite($0.calibration.tau),
                                     verdict: $0.calibration.verdict)
                },
                notes: analysis.results.compactMap(\.maskNote)),
            headlines: headlines, histograms: histograms, gallery: gallery, normAttention: normAttention, probes: probes,
            pca: pca, crossLayer: crossLayer, intervention: effects, figures: figures.records, seconds: seconds)
        try output.write(Data(page.html.utf8), to: "index.html")
        try output.write(try document.reportJSON(), to: "report.json")
        return ReportSummary(
            directory: output.target.path, html: output.target.appendingPathComponent("index.html").path,
            json: output.target.appendingPathComponent("report.json").path, figures: figures.records.count,
            images: store.images.count, layers: layers, method: source.method, maskOrigin: source.origin,
            headlines: headlines, seconds: seconds)
    }

}
