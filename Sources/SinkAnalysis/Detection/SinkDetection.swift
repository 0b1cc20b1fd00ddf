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
/// Memory: layer by layer, and within a layer block by block (at most one shard file and about
/// 32 MiB of f32 hidden states at a time, `forEachBlock`): every method runs on one block, its masks
/// are appended to a `MaskSpool` (a hidden directory in the store, turned into mask files and one
/// manifest update at the end), and the layer's summary is accumulated (`LayerDetection.Accumulator`).
/// A method that needs a statistic over all images makes a first pass over the blocks: `norm --tau
/// auto` collects the layer's patch norms for calibration (4 bytes a token, dropped before the second
/// pass), `sinkdim` without dimensions counts per dimension the images that fire. What still grows with
/// the images is per-token scalars of the current layer (9 bytes a patch token, for the exact medians
/// and Spearman's ρ of the summary): about 2.3 MB per 1,000 DINOv2-S images.
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
        try stream(
            store: store, detector: detector, layers: layers, rankDimensions: rankDimensions, write: write, progress: progress,
            blockImages: nil)
    }

    /// `run` with the block size in images given (nil: about `blockBytes` of hidden states), so tests
    /// can split shards into several blocks.
    static func stream(
        store: StoreReader, detector: any SinkDetector, layers: [Int]?, rankDimensions: Bool, write: Bool, progress: Bool,
        blockImages: Int?
    ) throws -> DetectionReport {
        if detector.inputs.contains(.received), store.manifest.receivedLayers.isEmpty {
            throw DetectionError.noReceived(in: store, layer: layers?.first ?? store.layers.first ?? 0, method: detector.name)
        }
        let chosen = try resolve(layers ?? (detector.inputs.contains(.received) ? store.manifest.receivedLayers : nil), in: store)
        if chosen.isEmpty, detector.inputs.contains(.received) {
            throw DetectionError.missingReceived(source: store.url.path, layer: store.layers.first ?? 0, method: detector.name)
        }
        let bar = ProgressBar(total: chosen.count, unit: "layers", label: "detect \(detector.name)", enabled: progress)
        let spool = write ? try MaskSpool(store: store, method: detector.name) : nil
        defer { spool?.discard() }
        var summaries: [LayerDetection] = []
        var parameters = detector.parameters
        for l in chosen {
            let summary = try detectLayer(
                store: store, detector: detector, layer: l, rankDimensions: rankDimensions, spool: spool,
                blockImages: blockImages ?? store.imagesFitting(bytes: blockBytes))
            if summary.thresholdSource == "calibrated" || summary.thresholdSource == "none" {
                parameters["tau.\(l)"] = summary.threshold.map { String(format: "%.6g", $0) } ?? "none"
            }
            summaries.append(summary)
            bar.advance()
        }
        bar.finish()
        try spool?.commit(parameters: parameters)
        return DetectionReport(
            store: store.url.path, method: detector.name, parameters: parameters, includePrefix: detector.includePrefix,
            images: store.images.count, tokens: store.model.tokens, prefixTokens: store.model.prefixTokens,
            writtenKeys: write ? chosen.map { "sink.\(detector.name).\($0)" } : [], layers: summaries,
            registers: store.model.registers)
    }

    /// The whole-layer path `run` had before it streamed: each layer loaded at once. Kept for the test
    /// that the streamed results equal it; not for big stores.
    static func runInMemory(store: StoreReader, detector: any SinkDetector, layers: [Int]? = nil, rankDimensions: Bool = true) throws -> (DetectionReport, masks: [Int: [UInt8]]) {
        let chosen = try resolve(layers ?? (detector.inputs.contains(.received) ? store.manifest.receivedLayers : nil), in: store)
        var summaries: [LayerDetection] = []
        var masks: [Int: [UInt8]] = [:]
        var parameters = detector.parameters
        for l in chosen {
            let readsHidden = detector.inputs.contains(.hidden)
            let activations = try load(store: store, layer: l, hidden: readsHidden || rankDimensions)
            let mask = try detector.detect(activations)
            masks[l] = mask.values
            let source = thresholdSource(detector, threshold: mask.threshold)
            if source == "calibrated" || source == "none" {
                parameters["tau.\(l)"] = mask.threshold.map { String(format: "%.6g", $0) } ?? "none"
            }
            summaries.append(try LayerDetection(summarizing: activations, mask: mask, thresholdSource: source, rankDimensions: rankDimensions))
        }
        let report = DetectionReport(
            store: store.url.path, method: detector.name, parameters: parameters, includePrefix: detector.includePrefix,
            images: store.images.count, tokens: store.model.tokens, prefixTokens: store.model.prefixTokens,
            writtenKeys: [], layers: summaries, registers: store.model.registers)
        return (report, masks)
    }

    /// Where a layer's threshold came from: "rank" (top-k), "calibrated" / "none" (norm, tau auto), "given".
    static func thresholdSource(_ detector: any SinkDetector, threshold: Double?) -> String {
        switch (detector, threshold) {
        case (is TopKNorm, _): return "rank"
        case (let d as NormThreshold, nil) where d.tau == .auto: return "none"
        case (let d as NormThreshold, _?) where d.tau == .auto: return "calibrated"
        default: return "given"
        }
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
        activations.attention = model.attention(ofLayer: l)
        return activations
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
