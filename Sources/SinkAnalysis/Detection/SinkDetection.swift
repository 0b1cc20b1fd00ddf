import Support
import ActivationStore
import Foundation

/// Runs a detector over the layers of a store, writes the masks back (`sink.{name}.{l}`) and
/// summarises each layer. The library entry point of `sinkscope detect`.
///
///     let store = try StoreReader(url: URL(fileURLWithPath: "/tmp/photos-store"))
///     let report = try SinkDetection.run(store: store, detector: RelativeNorm(k: 3))
///     print(report.table())
///
/// Memory: one layer at a time — `[n, T]` norms, received attention and masks; hidden states
/// `[n, T, D]` only for the methods that read them (massive, sinkdim). For the others the
/// dimension ranking (`rankDimensions`) reads the hidden states one shard at a time, so peak
/// memory does not grow with the number of images beyond those `[n, T]` arrays (4-5 bytes per
/// token per layer: 1 MB per layer for 1,000 DINOv2-S images).
public enum SinkDetection {
    /// - Parameters:
    ///   - store: an open store.
    ///   - detector: the method and its parameters.
    ///   - layers: captured layers to run on; when nil, all captured layers (for a method that reads
    ///     received attention, all layers that have it: the embedding output, layer 0, has none).
    ///   - rankDimensions: also rank hidden dimensions at the sinks (reads hidden states).
    ///   - write: write the masks into the store (all layers in one atomic manifest update, after
    ///     every layer succeeded, so a failure leaves the store as it was).
    ///   - progress: draw a progress bar across layers on stderr.
    /// - Throws: `DetectionError` (unknown layer, NaN/Inf, no attention for the attention method,
    ///   bad parameter) or the store's error.
    public static func run(
        store: StoreReader, detector: any SinkDetector, layers: [Int]? = nil, rankDimensions: Bool = true,
        write: Bool = true, progress: Bool = true
    ) throws -> DetectionReport {
        if detector.inputs.contains(.received), store.manifest.receivedLayers.isEmpty {
            throw DetectionError.noReceived(in: store, layer: layers?.first ?? store.layers.first ?? 0, method: detector.name)
        }
        let chosen = try resolve(layers ?? (detector.inputs.contains(.received) ? store.manifest.receivedLayers : nil), in: store)
        if chosen.isEmpty, detector.inputs.contains(.received) {
            throw DetectionError.missingReceived(source: store.url.path, layer: store.layers.first ?? 0, method: detector.name)
        }
        let bar = ProgressBar(total: chosen.count, unit: "layers", label: "detect \(detector.name)", enabled: progress)
        var summaries: [LayerDetection] = []
        var masks: [Int: [UInt8]] = [:]
        var parameters = detector.parameters
        for l in chosen {
            let readsHidden = detector.inputs.contains(.hidden)
            let activations = try load(store: store, layer: l, hidden: readsHidden)
            let mask = try detector.detect(activations)
            let streamed = rankDimensions && !readsHidden && mask.total > 0
                ? try rankByShard(store: store, layer: l, mask: mask.values) : nil
            masks[l] = mask.values
            let source: String
            switch (detector, mask.threshold) {
            case (is TopKNorm, _): source = "rank"
            case (let d as NormThreshold, nil) where d.tau == .auto: source = "none"
            case (let d as NormThreshold, _?) where d.tau == .auto: source = "calibrated"
            default: source = "given"
            }
            if source == "calibrated" || source == "none" {
                parameters["tau.\(l)"] = mask.threshold.map { String(format: "%.6g", $0) } ?? "none"
            }
            var summary = try LayerDetection(
                summarizing: activations, mask: mask, thresholdSource: source, rankDimensions: rankDimensions,
                rankedDimensions: streamed)
            if (store.manifest.valueLayers ?? []).contains(l) {
                let model = store.model
                summary.values = ValueContributionSummary(
                    mask: mask.values, valueNorms: try store.valueNorms(layer: l), valueOutputs: try store.valueOutputs(layer: l),
                    tokenCount: model.tokens, prefixTokens: model.prefixTokens, hasCLS: model.prefixTokens > model.registers)
            }
            summaries.append(summary)
            bar.advance()
        }
        bar.finish()
        var keys: [String] = []
        if write {
            try store.writeMasks(method: detector.name, parameters: parameters, masks: masks)
            keys = chosen.map { "sink.\(detector.name).\($0)" }
        }
        return DetectionReport(
            store: store.url.path, method: detector.name, parameters: parameters, includePrefix: detector.includePrefix,
            images: store.images.count, tokens: store.model.tokens, prefixTokens: store.model.prefixTokens,
            writtenKeys: keys, layers: summaries, registers: store.model.registers)
    }

    /// Reads one layer of a store as detector input: norms always, received attention when the store
    /// has it, hidden states when asked.
    public static func load(store: StoreReader, layer l: Int, hidden: Bool) throws -> LayerActivations {
        guard store.layers.contains(l) else {
            throw DetectionError.unknownLayer(source: store.url.path, layer: l, available: store.layers)
        }
        let model = store.model
        let received = store.manifest.receivedLayers.contains(l) ? try store.received(layer: l) : nil
        var activations = try LayerActivations(
            layer: l, imageCount: store.images.count, tokenCount: model.tokens, hiddenSize: model.hiddenSize,
            prefixTokens: model.prefixTokens, hidden: hidden ? try store.hidden(layer: l) : nil,
            norms: try store.norms(layer: l), received: received, source: store.url.path)
        activations.registers = model.registers
        return activations
    }

    /// The top-5 sink dimensions of `layer` (as `SinkDimensionDiscovery.rank` finds them), reading
    /// the hidden states one shard at a time. `mask` is `[n, T]` over the whole store.
    static func rankByShard(store: StoreReader, layer: Int, mask: [UInt8]) throws -> [SinkDimensionDiscovery.RankedDimension] {
        let model = store.model, t = model.tokens
        var sums = SinkDimensionDiscovery.Sums(hiddenSize: model.hiddenSize)
        try store.forEachShard { shard in
            let rows = (shard.imageRange.lowerBound * t)..<(shard.imageRange.upperBound * t)
            sums.add(hidden: try shard.hidden(layer: layer), mask: mask[rows], tokenCount: t, prefixTokens: model.prefixTokens)
        }
        return sums.ranked(layer: layer, top: 5).top
    }

    /// The requested layers (all captured when nil), each checked against the store.
    static func resolve(_ layers: [Int]?, in store: StoreReader) throws -> [Int] {
        let chosen = layers ?? store.layers
        if let bad = chosen.first(where: { !store.layers.contains($0) }) {
            throw DetectionError.unknownLayer(source: store.url.path, layer: bad, available: store.layers)
        }
        return Array(Set(chosen)).sorted()
    }
}
