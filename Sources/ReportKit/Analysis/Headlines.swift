import Foundation
import SinkAnalysis

/// The summary's findings: plain sentences generated from the numbers, never from expectations.
/// Each sentence states what was measured and where; when a thing is absent it says so.
struct Headlines {
    var layers: [Int]
    var results: [LayerResult]
    var imageCount: Int
    var source: SinkSource
    var hasReceived: Bool
    var persistence: SinkPersistence?
    var cka: [[Double?]]
    var probes: [ProbeRow] = []

    var sentences: [String] {
        var out = [sinks(), modes()].compactMap { $0 }
        if hasReceived {
            out += [cls(), sinkAttention(), correlation()].compactMap { $0 }
        } else {
            out.append("The store has no received attention, so nothing can be said about who receives attention "
                + "(extract with --attention to add it).")
        }
        out += [persistent(), similarity()].compactMap { $0 }
        return out + probeFindings()
    }

    /// Layers where at least half of the images have a sink.
    var sinkLayers: [LayerResult] {
        results.filter { 2 * $0.detection.sinks.imagesWithSinks >= imageCount && $0.detection.sinks.total > 0 }
    }

    func sinks() -> String? {
        let busy = sinkLayers
        let methodText = "method \(source.method)" + (source.origin == "computed" ? ", detected by the report" : "")
        guard !busy.isEmpty else {
            let any = results.filter { $0.detection.sinks.total > 0 }
            if any.isEmpty {
                if source.method == "norm" && (source.parameters["tau"] ?? "auto") == "auto" {
                    return "No layer's patch-token norms show a separate high-norm mode, so the calibrated norm threshold finds no sinks."
                }
                return "No sinks on any shown layer (\(methodText))."
            }
            let most = any.map { $0.detection.sinks.imagesWithSinks }.max() ?? 0
            return "Sinks are rare (\(methodText)): at \(Format.layerPhrase(any.map(\.layer), in: layers)) they occur in at most "
                + "\(most) of \(imageCount) images."
        }
        let busyLayers = busy.map(\.layer)
        // "From layer l on" when every shown layer from l to the last has sinks in most images.
        var onset: Int?
        for (i, l) in layers.enumerated().reversed() {
            if busyLayers.contains(l) { onset = i } else { break }
        }
        let place: String
        if let i = onset, i > 0, layers.count - i >= 2 {
            place = "From layer \(layers[i]) on"
        } else if let i = onset, i == 0 {
            place = "At every shown layer"
        } else {
            place = "At " + Format.layerPhrase(busyLayers, in: layers)
        }
        let counts = busy.map { $0.detection.sinks.meanPerImage }
        let ratios = busy.compactMap { $0.detection.normRatio }
        let who = source.includePrefix ? "tokens" : "patch tokens"
        var s = "\(place), \(Format.range(counts, { Format.fixed($0, 1) })) \(who) per image on average are sinks (\(methodText))"
        if !ratios.isEmpty {
            s += ", with a median norm \(Format.range(ratios, Format.times)) that of the other patch tokens"
        }
        return s + "."
    }

    /// Whether the norm distribution itself has a high-norm mode (the evidence for norm sinks).
    func modes() -> String? {
        let withMode = results.filter { $0.calibration.hasSeparateMode }.map(\.layer)
        if source.method == "norm" && (source.parameters["tau"] ?? "auto") == "auto" && !withMode.isEmpty {
            return "The patch-token norms have a separate high-norm mode at \(Format.layerPhrase(withMode, in: layers)); "
                + "elsewhere calibration proposes no threshold."
        }
        if withMode.isEmpty {
            return source.method == "norm" && (source.parameters["tau"] ?? "auto") == "auto" ? nil
                : "No layer's patch-token norms show a separate high-norm mode (calibration by gap and two-Gaussian fit)."
        }
        return "The patch-token norms have a separate high-norm mode at \(Format.layerPhrase(withMode, in: layers))."
    }

    func cls() -> String? {
        let withCLS = results.filter { $0.detection.prefix.first?.receivedRatio != nil }
        guard !withCLS.isEmpty else { return nil }
        let top = withCLS.filter { $0.detection.clsIsAttentionSink == true }
        guard let best = withCLS.max(by: { ($0.detection.prefix[0].receivedRatio ?? 0) < ($1.detection.prefix[0].receivedRatio ?? 0) })
        else { return nil }
        let ratio = Format.times(best.detection.prefix[0].receivedRatio)
        if top.isEmpty {
            return "CLS is not the top attention receiver in most images on any layer; at most it receives \(ratio) "
                + "the mean attention of a patch token (layer \(best.layer))."
        }
        return "CLS receives the most attention of all tokens in at least half of the images at "
            + "\(Format.layerPhrase(top.map(\.layer), in: layers)), up to \(ratio) the mean attention of a patch token (layer \(best.layer))."
    }

    func sinkAttention() -> String? {
        let rows = sinkLayers.filter { $0.detection.receivedRatio != nil }
        guard !rows.isEmpty else { return nil }
        let ratios = rows.compactMap { $0.detection.receivedRatio }
        let less = rows.filter { ($0.detection.receivedRatio ?? 1) < 1 }.map(\.layer)
        return "Sinks receive \(Format.range(ratios, Format.times)) the mean attention of the other patch tokens at "
            + "\(Format.layerPhrase(rows.map(\.layer), in: layers))"
            + (less.isEmpty ? "." : " (less than the other patch tokens at \(Format.layerPhrase(less, in: layers))).")
    }

    func correlation() -> String? {
        let rel = results.compactMap { r -> (Int, Double, Double?)? in
            guard let na = r.detection.normAttention, let rho = na.spearman else { return nil }
            return (r.layer, rho, na.pearson)
        }
        guard let best = rel.max(by: { abs($0.1) < abs($1.1) }) else { return nil }
        let rhos = rel.map(\.1).sorted()
        let medianRho = rhos[rhos.count / 2]
        return "A patch token's norm and the attention it receives are most related at layer \(best.0) "
            + "(Spearman ρ = \(Format.fixed(best.1)), Pearson r = \(Format.fixed(best.2))); the median ρ over "
            + "\(rel.count) layers is \(Format.fixed(medianRho))."
    }

    func persistent() -> String? {
        guard let p = persistence else { return nil }
        let shares = p.transitions.compactMap { t in t.sinksFrom > 0 ? t.share : nil }
        guard !shares.isEmpty, let first = p.firstSinkLayer else { return nil }
        let mean = shares.reduce(0, +) / Double(shares.count)
        // Top-k marks k tokens at every layer, so "first appear" would always be the first layer.
        if p.method == "topk" {
            return "On average \(Format.percent(mean)) of a layer's top-k positions are still among the top k at the next shown layer."
        }
        return "Sinks first appear at layer \(first); on average \(Format.percent(mean)) of a layer's sink positions "
            + "are still sinks at the next shown layer."
    }

    /// Per target and probe (at most three): the best group and layer, with its interval and selectivity.
    func probeFindings() -> [String] {
        var keys: [String] = []
        for r in probes where r.score != nil && !keys.contains(ReportContext.probeKey(r)) { keys.append(ReportContext.probeKey(r)) }
        return keys.prefix(3).compactMap { key in
            let rows = probes.filter { ReportContext.probeKey($0) == key && $0.score != nil }
            guard let best = rows.max(by: { ($0.score ?? 0) < ($1.score ?? 0) }) else { return nil }
            let groups = Set(rows.map(\.group)).count
            var s = "Probe \(best.probe) for \(best.target): " + (groups > 1 ? "\(best.group) scores best, " : "\(best.group): ")
                + "\(best.metric) \(Format.fixed(best.score)) at layer \(best.layer)"
            if let lo = best.lower, let hi = best.upper { s += " (CI \(Format.fixed(lo))–\(Format.fixed(hi)))" }
            if let sel = best.selectivity { s += ", selectivity \(Format.fixed(sel))" }
            return s + "."
        }
    }

    func similarity() -> String? {
        guard layers.count >= 3 else { return nil }
        let adjacent = (0..<(layers.count - 1)).compactMap { cka[$0][$0 + 1] }
        guard !adjacent.isEmpty, let ends = cka[0][layers.count - 1] else { return nil }
        return "Linear CKA of the token representations between neighbouring shown layers is "
            + "\(Format.range(adjacent, { Format.fixed($0) })), and between layers \(layers[0]) and \(layers[layers.count - 1]) it is \(Format.fixed(ends))."
    }
}
