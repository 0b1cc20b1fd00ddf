import Support
import ActivationStore
import Foundation

/// Follows ViT sinks into the LLM of an LVLM store (imported with `sinkscope import --lvlm`). The
/// library entry point of `sinkscope pathway`.
///
///     let store = try StoreReader(url: URL(fileURLWithPath: "runs/llava"))
///     let report = try PathwayAnalysis.run(store: store, config: PathwayConfig(vitDetector: NormThreshold(tau: 100)))
///     print(report.table())
///
/// Steps: (1) ViT sinks on the ViT layer the LVLM uses, by `config.vitDetector` on the patch tokens;
/// (2) on each LLM hidden layer, visual tokens with massive activations, split into propagated ViT
/// sinks and LLM-emerged sinks, with their dimensions; (3) on each LLM layer with attention, every
/// visual token's share (received ÷ query rows), averaged by group (ordinary, ViT sink, emerged
/// sink at any layer), the ratios to ordinary tokens, ViT-norm buckets, and Spearman / Pearson between
/// ViT norm and share; (4) relevance maps of a few images.
///
/// Memory: one LLM layer at a time — `[n, P, Dm]` hidden states or `[n, P]` attention.
public enum PathwayAnalysis {
    public static func run(store: StoreReader, config: PathwayConfig = PathwayConfig(), progress: Bool = true) throws -> PathwayReport {
        try config.validate()
        let info = try store.lvlmInfo()
        guard !info.llmReceivedLayers.isEmpty || !info.llmHiddenLayers.isEmpty else { throw PathwayError.nothingToAnalyse(source: store.url.path) }
        let n = store.images.count, p = info.visualTokens, source = store.url.path
        let vit = try vitSinks(store: store, layer: info.visionLayer, detector: config.vitDetector)
        let bar = ProgressBar(total: info.llmHiddenLayers.count + info.llmReceivedLayers.count, unit: "layers", label: "pathway", enabled: progress)

        // LLM sinks, layer by layer; a visual token that is massive anywhere but not a ViT sink has emerged in the LLM.
        var dimensions: [LLMSinkLayer] = []
        var emerged = [UInt8](repeating: 0, count: n * p)
        for l in info.llmHiddenLayers {
            let (summary, mask) = try LLMSinkLayer.analyse(
                layer: l, hidden: try store.llmHidden(layer: l), imageCount: n, visualTokens: p, hiddenSize: info.llmHiddenSize,
                vitSinks: vit.mask, criterion: config.llmCriterion, source: source)
            dimensions.append(summary)
            for k in mask.indices where mask[k] != 0 && vit.mask[k] == 0 { emerged[k] = 1 }
            bar.advance()
        }
        let groups: [VisualTokenGroup] = (0..<(n * p)).map { vit.mask[$0] != 0 ? .vitSink : emerged[$0] != 0 ? .emergedSink : .ordinary }

        // Attention shares by group, per LLM layer.
        var shares: [(layer: Int, values: [Double])] = []
        var attention: [LayerAttentionShares] = []
        if !info.llmReceivedLayers.isEmpty {
            let queries = try store.queryCounts()
            if let bad = queries.firstIndex(where: { $0 <= 0 }) { throw PathwayError.badQueryCount(source: source, image: bad, count: queries[bad]) }
            for l in info.llmReceivedLayers {
                let received = try store.llmReceived(layer: l)
                if let bad = received.firstIndex(where: { !$0.isFinite }) {
                    throw PathwayError.nonFinite(source: source, what: "received attention", layer: l, image: bad / p, token: bad % p)
                }
                let values = received.indices.map { Double(received[$0]) / Double(queries[$0 / p]) }
                shares.append((l, values))
                attention.append(try LayerAttentionShares(layer: l, shares: values, vitNorms: vit.norms, groups: groups, visualTokens: p))
                bar.advance()
            }
        }
        bar.finish()

        let buckets = shares.isEmpty ? nil : try NormBuckets(norms: vit.norms, vitSinks: vit.mask, shares: shares, count: min(config.buckets, n * p))
        let relevance = relevanceMaps(store: store, shares: shares, vit: vit, groups: groups, visualTokens: p, count: config.relevanceImages)
        var notes = vit.notes
        if vit.mask.allSatisfy({ $0 == 0 }) {
            notes.append("No ViT sinks by \(config.vitDetector.name) on layer \(info.visionLayer): the ViT-sink shares and ratios are undefined ('-').")
        }
        if info.llmReceivedLayers.isEmpty { notes.append("The store has no LLM attention: no shares, buckets or relevance maps.") }
        if info.llmHiddenLayers.isEmpty { notes.append("The store has no LLM hidden states: no LLM sink dimensions, and no token counts as LLM-emerged.") }
        func counts(_ mask: [UInt8]) -> CountSummary {
            CountSummary(counts: (0..<n).map { i in mask[(i * p)..<((i + 1) * p)].filter { $0 != 0 }.count })
        }
        return PathwayReport(
            store: source, lvlm: info.name, vitLayer: info.visionLayer, images: n, visualTokens: p, grid: store.model.grid,
            vitMethod: config.vitDetector.name, vitParameters: config.vitDetector.parameters, vitThreshold: vit.threshold,
            vitSinks: counts(vit.mask), llmCriterion: config.llmCriterion.parameters, emergedSinks: counts(emerged), attention: attention,
            normBuckets: buckets, dimensions: dimensions, dimensionSplit: LLMSinkDimensionSplit(dimensions), relevance: relevance, notes: notes)
    }

    /// The ViT sinks of the LVLM's ViT layer, on the patch tokens: `[n, P]` mask and norms.
    public struct ViTSinks: Sendable {
        public var mask: [UInt8]
        public var norms: [Float]
        public var threshold: Double?
        public var notes: [String]
    }

    /// Runs `detector` on the ViT layer (all T tokens, so relative and calibrated thresholds see
    /// what `detect` sees) and keeps the P patch tokens that the LVLM feeds to its LLM.
    public static func vitSinks(store: StoreReader, layer: Int, detector: any SinkDetector) throws -> ViTSinks {
        let activations = try SinkDetection.load(store: store, layer: layer, hidden: detector.inputs.contains(.hidden))
        let mask = try detector.detect(activations)
        let t = activations.tokenCount, prefix = activations.prefixCount
        var values: [UInt8] = [], norms: [Float] = []
        for i in 0..<activations.imageCount {
            values += mask.values[(i * t + prefix)..<((i + 1) * t)]
            norms += activations.norms[(i * t + prefix)..<((i + 1) * t)]
        }
        return ViTSinks(mask: values, norms: norms, threshold: mask.threshold, notes: mask.notes)
    }

    static func relevanceMaps(store: StoreReader, shares: [(layer: Int, values: [Double])], vit: ViTSinks, groups: [VisualTokenGroup],
                              visualTokens p: Int, count: Int) -> [RelevanceMap] {
        guard !shares.isEmpty else { return [] }
        let n = store.images.count
        return RelevanceMap.chooseImages(groups: groups, imageCount: n, visualTokens: p, count: count).map { i in
            let range = (i * p)..<((i + 1) * p)
            let mean = range.map { k in shares.reduce(0.0) { $0 + $1.values[k] } / Double(shares.count) }
            return RelevanceMap(
                image: i, imageID: store.images[i].id, grid: store.model.grid, share: mean, vitNorm: range.map { Double(vit.norms[$0]) },
                vitSinks: range.filter { groups[$0] == .vitSink }.map { $0 - range.lowerBound },
                emergedSinks: range.filter { groups[$0] == .emergedSink }.map { $0 - range.lowerBound })
        }
    }
}
