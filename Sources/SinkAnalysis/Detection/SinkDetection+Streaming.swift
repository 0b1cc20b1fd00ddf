import ActivationStore
import Foundation

extension SinkDetection {
    /// Images per block when reading a layer: about 32 MiB of `[n, T, D]` f32 hidden states
    /// (85 DINOv2-S images, 14 CLIP-L/336 ones), and never more than one shard file.
    public static let blockBytes = 32 << 20

    /// Detects and summarises one layer block by block, appending the masks to `spool`.
    static func detectLayer(
        store: StoreReader, detector: any SinkDetector, layer l: Int, rankDimensions: Bool, spool: MaskSpool?, blockImages: Int
    ) throws -> LayerDetection {
        // Value summaries need the layer's mask beside its value tensors (1 byte a token, kept only then).
        let hasValues = (store.manifest.valueLayers ?? []).contains(l)
        var maskValues: [UInt8] = []
        var summary = try streamLayer(store: store, detector: detector, layer: l, rankDimensions: rankDimensions, summarize: true,
                                      blockImages: blockImages) { block, mask in
            try spool?.append(layer: l, shard: block.shard, values: mask.values)
            if hasValues { maskValues += mask.values }
        }.summary!
        summary.values = try valueSummary(store: store, layer: l, mask: maskValues)
        return summary
    }

    /// Medians of the value-vector norms and attention-output contributions of sinks vs other tokens,
    /// nil when the store has no `--capture values` tensors at this layer.
    static func valueSummary(store: StoreReader, layer l: Int, mask: [UInt8]) throws -> ValueContributionSummary? {
        guard (store.manifest.valueLayers ?? []).contains(l) else { return nil }
        let model = store.model
        return ValueContributionSummary(
            mask: mask, valueNorms: try store.valueNorms(layer: l), valueOutputs: try store.valueOutputs(layer: l),
            tokenCount: model.tokens, prefixTokens: model.prefixTokens, hasCLS: model.prefixTokens > model.registers)
    }

    /// One layer's sink mask, equal to `detector.detect` on the whole layer but read block by block
    /// (for a suite's sink groups, the pathway's ViT sinks, the report): holds the `[N, T]` mask and
    /// `[N, P]` prefix verdicts (1 byte a token) and nothing else of the layer.
    /// - Parameter blockImages: images per block (nil: about `blockBytes` of hidden states).
    public static func mask(store: StoreReader, detector: any SinkDetector, layer l: Int, blockImages: Int? = nil) throws -> SinkMask {
        guard store.layers.contains(l) else {
            throw DetectionError.unknownLayer(source: store.url.path, layer: l, available: store.layers)
        }
        var values: [UInt8] = [], prefixPasses: [UInt8] = []
        values.reserveCapacity(store.images.count * store.model.tokens)
        let outcome = try streamLayer(
            store: store, detector: detector, layer: l, rankDimensions: false, summarize: false,
            blockImages: blockImages ?? store.imagesFitting(bytes: blockBytes)) { _, mask in
            values += mask.values
            prefixPasses += mask.prefixPasses
        }
        let t = store.model.tokens
        return SinkMask(
            imageCount: store.images.count, tokenCount: t, prefixTokens: min(max(store.model.prefixTokens, 0), t), values: values,
            prefixPasses: prefixPasses, threshold: outcome.threshold, calibration: outcome.calibration,
            dimensions: outcome.dimensions, notes: outcome.notes)
    }

    /// What a layer read block by block gave besides the masks handed to the caller.
    struct LayerOutcome {
        var threshold: Double?
        var calibration: NormCalibration.Result?
        var dimensions: [DimensionHit]
        var notes: [String]
        var summary: LayerDetection?
    }

    /// Pass 1 (only for methods with a statistic over all images) finds that statistic and turns
    /// the detector into one that decides each block on its own; pass 2 runs it on every block,
    /// hands each block's mask to `onMask` and, when `summarize`, accumulates the layer's summary.
    static func streamLayer(
        store: StoreReader, detector: any SinkDetector, layer l: Int, rankDimensions: Bool, summarize: Bool, blockImages: Int,
        onMask: (ImageBlock, SinkMask) throws -> Void
    ) throws -> LayerOutcome {
        let model = store.model
        let global = try globalPass(store: store, detector: detector, layer: l, blockImages: blockImages)
        let readsHidden = detector.inputs.contains(.hidden)
        let prefixCount = min(max(model.prefixTokens, 0), model.tokens)
        var accumulator = LayerDetection.Accumulator(
            layer: l, tokenCount: model.tokens, prefixCount: prefixCount,
            registerCount: min(max(model.registers, 0), prefixCount), hiddenSize: model.hiddenSize,
            rankDimensions: rankDimensions)
        var tied: [Int] = [], blockNotes: [String] = []
        var threshold: Double?, hits: [Int: (tokens: Int, peak: Double)] = [:]
        try store.forEachBlock(maxImages: blockImages) { block in
            let activations = try load(block: block, store: store, layer: l, hidden: readsHidden)
            let (mask, blockTies) = try global.detector.detectBlock(activations)
            tied += blockTies
            threshold = mask.threshold
            for note in mask.notes where !blockNotes.contains(note) { blockNotes.append(note) }
            for hit in mask.dimensions {
                let old = hits[hit.dimension] ?? (0, 0)
                hits[hit.dimension] = (old.tokens + hit.tokens, max(old.peak, hit.peak))
            }
            if summarize {
                let hidden = !rankDimensions ? nil : readsHidden ? activations.hidden : try block.hidden(layer: l)
                accumulator.add(activations, mask: mask, hidden: hidden)
            }
            try onMask(block, mask)
        }
        if let given = global.threshold { threshold = given }
        var notes = global.notes + blockNotes
        if !tied.isEmpty { notes.append(SinkCriterion.tieNote(layer: l, images: tied)) }
        let dimensions = hits.sorted { $0.key < $1.key }.map { DimensionHit(dimension: $0.key, tokens: $0.value.tokens, peak: $0.value.peak) }
        var summary = !summarize ? nil : try accumulator.finish(
            threshold: threshold, thresholdSource: thresholdSource(detector, threshold: threshold),
            calibration: global.calibration, dimensions: dimensions, notes: notes)
        summary?.attention = store.model.attention(ofLayer: l)
        return LayerOutcome(
            threshold: threshold, calibration: global.calibration, dimensions: dimensions, notes: notes, summary: summary)
    }

    /// What pass 1 found: the detector to run on each block, and what the whole layer reports.
    struct GlobalPass {
        var detector: any SinkDetector
        /// The layer's threshold when pass 1 decided it (`.some(nil)`: calibration found no mode).
        var threshold: Double??
        var calibration: NormCalibration.Result?
        var notes: [String] = []
    }

    /// Pass 1 over the layer for `norm --tau auto` (calibration on all its norms) and `sinkdim`
    /// without dimensions (discovery counts images per dimension); other methods need none.
    static func globalPass(store: StoreReader, detector: any SinkDetector, layer l: Int, blockImages: Int) throws -> GlobalPass {
        if let d = detector as? NormThreshold, d.tau == .auto {
            let p = min(max(store.model.prefixTokens, 0), store.model.tokens), t = store.model.tokens
            var values: [Float] = []
            try store.forEachBlock(maxImages: blockImages) { block in
                let norms = try block.norms(layer: l)
                for i in 0..<block.images.count {
                    values += norms[(i * t + (d.includePrefix ? 0 : p))..<((i + 1) * t)]
                }
            }
            let result = d.calibration.calibrate(norms: values)
            guard let tau = result.tau else {
                // No separate mode: a threshold no finite norm exceeds marks nothing, as calibration would.
                return GlobalPass(
                    detector: NormThreshold(tau: Double.greatestFiniteMagnitude, includePrefix: d.includePrefix),
                    threshold: .some(nil), calibration: result, notes: ["Layer \(l): \(result.verdict) No sinks detected."])
            }
            return GlobalPass(detector: NormThreshold(tau: tau, includePrefix: d.includePrefix), threshold: tau, calibration: result)
        }
        if let d = detector as? SinkDimensionScore, d.dimensions == nil {
            try d.checkParameters(hiddenSize: store.model.hiddenSize)
            var counts = [Int](repeating: 0, count: store.model.hiddenSize)
            try store.forEachBlock(maxImages: blockImages) { block in
                let activations = try load(block: block, store: store, layer: l, hidden: true)
                try activations.validate(for: d.inputs, method: d.name)
                let blockCounts = d.imagesPerDimension(d.scaledMagnitudes(activations), layer: activations)
                for c in counts.indices { counts[c] += blockCounts[c] }
            }
            let chosen = d.chosen(imagesPerDimension: counts, imageCount: store.images.count)
            var fixed = d
            fixed.dimensions = chosen
            return GlobalPass(detector: fixed, notes: [d.discoveryNote(layer: l, chosen: chosen)])
        }
        return GlobalPass(detector: detector)
    }

    /// One block of a layer as detector input (image indices in errors and notes are the store's).
    static func load(block: ImageBlock, store: StoreReader, layer l: Int, hidden: Bool) throws -> LayerActivations {
        let model = store.model
        let received = store.manifest.receivedLayers.contains(l) ? try block.received(layer: l) : nil
        var activations = try LayerActivations(
            layer: l, imageCount: block.images.count, tokenCount: model.tokens, hiddenSize: model.hiddenSize,
            prefixTokens: model.prefixTokens, hidden: hidden ? try block.hidden(layer: l) : nil,
            norms: try block.norms(layer: l), received: received, source: store.url.path)
        activations.registers = model.registers
        activations.attention = model.attention(ofLayer: l)
        activations.firstImage = block.images.lowerBound
        return activations
    }
}
