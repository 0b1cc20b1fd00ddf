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
        let map = try store.visualTokenMap()
        let fed = try SinkFedTokens(vit: vit, map: map)
        let bar = ProgressBar(total: info.llmHiddenLayers.count + info.llmReceivedLayers.count, unit: "layers", label: "pathway", enabled: progress)

        // LLM sinks, layer by layer; a visual token that is massive anywhere but not a ViT sink has emerged in the LLM.
        var dimensions: [LLMSinkLayer] = []
        var emerged = [UInt8](repeating: 0, count: n * p)
        for l in info.llmHiddenLayers {
            let (summary, mask) = try LLMSinkLayer.analyse(
                layer: l, hidden: try store.llmHidden(layer: l), imageCount: n, visualTokens: p, hiddenSize: info.llmHiddenSize,
                vitSinks: fed.mask, criterion: config.llmCriterion, source: source)
            dimensions.append(summary)
            for k in mask.indices where mask[k] != 0 && fed.mask[k] == 0 && fed.fed[k] { emerged[k] = 1 }
            bar.advance()
        }
        let groups: [VisualTokenGroup] = (0..<(n * p)).map {
            !fed.fed[$0] ? .unfed : fed.mask[$0] != 0 ? .vitSink : emerged[$0] != 0 ? .emergedSink : .ordinary
        }

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
                attention.append(try LayerAttentionShares(layer: l, shares: values, vitNorms: fed.norms, groups: groups, visualTokens: p))
                bar.advance()
            }
        }
        bar.finish()

        let kept = groups.indices.filter { groups[$0] != .unfed }  // tokens some patch feeds
        let buckets = shares.isEmpty || kept.isEmpty ? nil : try NormBuckets(
            norms: kept.map { fed.norms[$0] }, vitSinks: kept.map { fed.mask[$0] }, shares: shares.map { s in (s.layer, kept.map { s.values[$0] }) },
            count: min(config.buckets, kept.count))
        let relevance = relevanceMaps(store: store, shares: shares, vit: vit, groups: groups, map: map, count: config.relevanceImages)
        let positions = info.llmReceivedLayers.isEmpty && info.llmHiddenLayers.isEmpty ? [] : (try? store.visualPositions()) ?? []
        let words = try DecodedGallery.build(store: store, groups: groups, map: map, layer: config.decodedLayer, count: config.wordImages,
                                             tokensPerGroup: config.wordTokens)
        var notes = vit.notes
        if let tower = store.model.lvlm {
            notes.insert("Tower extraction: \(tower.sentence)"
                + (tower.layer == info.visionLayer ? "." : "; this pathway reads layer \(info.visionLayer), the dump's vision layer."), at: 0)
        }
        if vit.mask.allSatisfy({ $0 == 0 }) {
            notes.append("No ViT sinks by \(config.vitDetector.name) on layer \(info.visionLayer): the ViT-sink shares and ratios are undefined ('-').")
        }
        if info.llmReceivedLayers.isEmpty { notes.append("The store has no LLM attention: no shares, buckets or relevance maps.") }
        if info.llmHiddenLayers.isEmpty { notes.append("The store has no LLM hidden states: no LLM sink dimensions, and no token counts as LLM-emerged.") }
        func counts(_ mask: [UInt8], _ width: Int) -> CountSummary {
            CountSummary(counts: (0..<n).map { i in mask[(i * width)..<((i + 1) * width)].filter { $0 != 0 }.count })
        }
        let patches = map.patches
        var report = PathwayReport(
            store: source, lvlm: info.name, vitLayer: info.visionLayer, images: n, visualTokens: p, grid: store.model.grid,
            vitMethod: config.vitDetector.name, vitParameters: config.vitDetector.parameters, vitThreshold: vit.threshold,
            vitSinks: counts(vit.mask, patches), llmCriterion: config.llmCriterion.parameters, emergedSinks: counts(emerged, p), attention: attention,
            normBuckets: buckets, dimensions: dimensions, dimensionSplit: LLMSinkDimensionSplit(dimensions), relevance: relevance, notes: notes)
        report.vitPatches = patches
        report.tokenMerge = info.tokenMerge ?? (info.tokenPatchWidth == nil ? "identity" : "mapped")
        report.sinkFedTokens = counts(fed.mask, p)
        report.unfedTokens = fed.fed.filter { !$0 }.count / max(n, 1)
        report.sinkFeeding = SinkFeeding.list(store: store, vit: vit, map: map, positions: positions)
        report.decodedWords = words
        return report
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
        // The layer is read block by block (hidden states of massive / sinkdim never whole).
        let mask = try SinkDetection.mask(store: store, detector: detector, layer: layer)
        let all = try store.norms(layer: layer)
        let t = store.model.tokens, prefix = min(max(store.model.prefixTokens, 0), t)
        var values: [UInt8] = [], norms: [Float] = []
        for i in 0..<store.images.count {
            values += mask.values[(i * t + prefix)..<((i + 1) * t)]
            norms += all[(i * t + prefix)..<((i + 1) * t)]
        }
        return ViTSinks(mask: values, norms: norms, threshold: mask.threshold, notes: mask.notes)
    }

    /// The mean share over LLM layers laid back onto the ViT patch grid: each patch shows the share of
    /// the token it feeds (0 for a patch that feeds none), next to the patch norms and sinks.
    static func relevanceMaps(store: StoreReader, shares: [(layer: Int, values: [Double])], vit: ViTSinks, groups: [VisualTokenGroup],
                              map: VisualTokenMap, count: Int) -> [RelevanceMap] {
        guard !shares.isEmpty else { return [] }
        let n = store.images.count, k = map.tokens, p = map.patches
        return RelevanceMap.chooseImages(groups: groups, imageCount: n, visualTokens: k, count: count).map { i in
            var share = [Double](repeating: 0, count: p), emerged: [Int] = []
            for t in 0..<k {
                let mean = shares.reduce(0.0) { $0 + $1.values[i * k + t] } / Double(shares.count)
                for patch in map.patches(image: i, token: t) {
                    share[patch] = mean
                    if groups[i * k + t] == .emergedSink { emerged.append(patch) }
                }
            }
            let range = (i * p)..<((i + 1) * p)
            return RelevanceMap(
                image: i, imageID: store.images[i].id, grid: store.model.grid, share: share, vitNorm: range.map { Double(vit.norms[$0]) },
                vitSinks: range.filter { vit.mask[$0] != 0 }.map { $0 - range.lowerBound }, emergedSinks: emerged.sorted())
        }
    }
}
