import ActivationStore
import Foundation
import SinkAnalysis

/// Everything a report keeps of one layer after the first pass: the sink mask, the library's
/// summary and the norm histogram. Norms and received attention are read one layer at a time
/// while loading and then dropped; sections that draw tokens (gallery, scatter) read the rows
/// they need again (`norms(store:images:)`), so what stays per layer is 1 byte a token.
///
/// Glossary: n images, T tokens (P prefix tokens first, then the patch grid), D hidden size.
struct LayerResult: Sendable {
    var layer: Int
    /// Whether the store has received attention for this layer.
    var hasReceived: Bool
    /// Histogram of the patch-token norms of all images (`histogramBins` equal bins over min...max).
    var normHistogram: (edges: [Double], counts: [Int])
    /// `[n, T]` 1 where the token is a sink.
    var mask: [UInt8]
    /// `[n]` sinks per image.
    var counts: [Int]
    /// The library's summary (counts, norm and attention ratios, prefix tokens, norm–attention relation).
    var detection: LayerDetection
    /// Calibration of the patch-token norms (whether a separate high-norm mode exists).
    var calibration: NormCalibration.Result
    /// Norm threshold to mark on the histogram, and what it is ("threshold" of the method or "calibrated").
    var marker: (value: Double, label: String)?
    /// Why this layer has no masks of the method, when it has none (e.g. no attention at layer 0).
    var maskNote: String?
}

extension LayerResult {
    /// Bins of the norm histogram.
    static let histogramBins = 50

    /// Reads one layer and finds or reads its sinks.
    /// - Parameter blockImages: images per block for masks a detector computes (nil: about
    ///   `SinkDetection.blockBytes` of hidden states).
    static func load(store: StoreReader, layer l: Int, source: SinkSource, blockImages: Int? = nil) throws -> LayerResult {
        let model = store.model
        let n = store.images.count, t = model.tokens
        let detector = source.detector
        let received = store.manifest.receivedLayers.contains(l) ? try store.received(layer: l) : nil
        var activations = try LayerActivations(
            layer: l, imageCount: n, tokenCount: t, hiddenSize: model.hiddenSize, prefixTokens: model.prefixTokens,
            hidden: nil, norms: try store.norms(layer: l),
            received: received, source: store.url.path)
        activations.registers = model.registers
        activations.attention = model.attention(ofLayer: l)
        var mask: SinkMask
        var thresholdSource: String
        var maskNote: String?
        let storedLayers = store.manifest.masks[source.method]?.layers ?? []
        if let detector, detector.inputs.contains(.received), received == nil {
            (mask, thresholdSource) = (empty(n, t, model.prefixTokens), "absent")
            maskNote = "Layer \(l) has no received attention, so method '\(source.method)' cannot run there; it is shown without sinks."
        } else if detector == nil, !storedLayers.contains(l) {
            (mask, thresholdSource) = (empty(n, t, model.prefixTokens), "absent")
            maskNote = "The store has no '\(source.method)' mask for layer \(l); it is shown without sinks."
        } else if let detector {
            // Block by block, as `detect` does: massive / sinkdim never hold a layer's hidden states.
            mask = try SinkDetection.mask(store: store, detector: detector, layer: l, blockImages: blockImages)
            switch (detector, mask.threshold) {
            case (is TopKNorm, _): thresholdSource = "rank"
            case (let d as NormThreshold, nil) where d.tau == .auto: thresholdSource = "none"
            case (let d as NormThreshold, _?) where d.tau == .auto: thresholdSource = "calibrated"
            default: thresholdSource = "given"
            }
        } else {
            let values = try store.mask(method: source.method, layer: l)
            let p = activations.prefixCount
            var prefix = [UInt8](repeating: 0, count: n * p)
            for i in 0..<n { for j in 0..<p { prefix[i * p + j] = values[i * t + j] } }
            let threshold = source.normThreshold(layer: l)
            mask = SinkMask(imageCount: n, tokenCount: t, prefixTokens: model.prefixTokens, values: values,
                            prefixPasses: prefix, threshold: threshold.value)
            thresholdSource = threshold.source
        }
        let detection = try LayerDetection(
            summarizing: activations, mask: mask, thresholdSource: thresholdSource, rankDimensions: false)
        let calibration = mask.calibration ?? NormCalibration().calibrate(activations, includePrefix: false)
        var marker: (Double, String)?
        if source.method == "norm", let v = mask.threshold {
            marker = (v, thresholdSource == "calibrated" ? "calibrated τ" : "τ")
        } else if let tau = calibration.tau {
            marker = (tau, "calibrated τ")
        }
        let normHistogram = histogram(patchNorms(activations.norms, tokens: t, prefix: activations.prefixCount), bins: histogramBins)
        return LayerResult(layer: l, hasReceived: received != nil, normHistogram: normHistogram, mask: mask.values, counts: mask.counts,
                           detection: detection, calibration: calibration, marker: marker, maskNote: maskNote)
    }

    private static func empty(_ n: Int, _ t: Int, _ p: Int) -> SinkMask {
        SinkMask(imageCount: n, tokenCount: t, prefixTokens: p, values: [UInt8](repeating: 0, count: n * t),
                 prefixPasses: [UInt8](repeating: 0, count: n * min(p, t)))
    }

    /// Patch-token norms of `[n, T]` norms (prefix tokens left out, as calibration does).
    static func patchNorms(_ norms: [Float], tokens t: Int, prefix p: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(norms.count / t * (t - p))
        for i in 0..<(norms.count / t) { out += norms[(i * t + p)..<((i + 1) * t)] }
        return out
    }

    /// `[images.count, T]` token L2 norms of some images at this layer, read from the store.
    func norms(store: StoreReader, images: [Int]) throws -> [Float] {
        try store.norms(layer: layer, images: images)
    }

    /// `[images.count, T]` received attention of some images at this layer (nil: the store has none).
    func received(store: StoreReader, images: [Int]) throws -> [Float]? {
        hasReceived ? try store.received(layer: layer, images: images) : nil
    }

    var totalSinks: Int { detection.sinks.total }
}
