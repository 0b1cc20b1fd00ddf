import ActivationStore
import Foundation
import SinkAnalysis

/// Everything a report knows about one layer after the first pass: the `[n, T]` arrays it
/// draws from and the library's summary of the masks.
///
/// Glossary: n images, T tokens (P prefix tokens first, then the patch grid), D hidden size.
struct LayerResult: Sendable {
    var layer: Int
    /// `[n, T]` token L2 norms.
    var norms: [Float]
    /// `[n, T]` received attention (uniform share = 1), nil when the store has none for this layer.
    var received: [Float]?
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
    /// Reads one layer and finds or reads its sinks.
    static func load(store: StoreReader, layer l: Int, source: SinkSource) throws -> LayerResult {
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
            mask = try SinkDetection.mask(store: store, detector: detector, layer: l)
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
        return LayerResult(layer: l, norms: activations.norms, received: received, mask: mask.values, counts: mask.counts,
                           detection: detection, calibration: calibration, marker: marker, maskNote: maskNote)
    }

    private static func empty(_ n: Int, _ t: Int, _ p: Int) -> SinkMask {
        SinkMask(imageCount: n, tokenCount: t, prefixTokens: p, values: [UInt8](repeating: 0, count: n * t),
                 prefixPasses: [UInt8](repeating: 0, count: n * min(p, t)))
    }

    /// Patch-token norms of all images (prefix tokens left out, as calibration does).
    func patchNorms(tokens t: Int, prefix p: Int) -> [Float] {
        var out: [Float] = []
        out.reserveCapacity(norms.count / t * (t - p))
        for i in 0..<(norms.count / t) { out += norms[(i * t + p)..<((i + 1) * t)] }
        return out
    }

    var totalSinks: Int { detection.sinks.total }
}
