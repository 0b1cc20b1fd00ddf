import ActivationStore
import ReportKit
import Foundation
import SinkAnalysis

/// The demo's findings in ten plain sentences, each written from the numbers (never from what
/// the literature leads one to expect): whatever the run finds, the sentence says that.
public enum DemoSummary {
    /// Exactly ten lines.
    public static func lines(_ f: DemoFindings) -> [String] {
        var lines = [
            modelLine(f),
            calibratedLine(f.calibrated),
            relativeLine(f.relative, top: f.topNorm),
            clsLine(f.attention),
            patchAttentionLine(f.attention),
            relationLine(f.attention),
            massiveLine(f.massive),
        ]
        let probeLines = f.probes.prefix(2).map(probeLine)
        lines += probeLines
        // Without two probe headlines, other measured facts fill the ten lines.
        let fillers = [
            probeLines.isEmpty
                ? "Probes: no probe suite ran (the default suites were not found under Probes/: run the demo from the repository root), so nothing is said here about what the tokens encode."
                : nil,
            clsNormLine(f.attention),
        ].compactMap { $0 }
        lines += fillers.prefix(2 - probeLines.count)
        lines.append("Report: \(f.page) (finished in \(seconds(f.totalSeconds))).")
        return Array(lines.prefix(10))
    }

    // MARK: - Sentences

    static func modelLine(_ f: DemoFindings) -> String {
        let m = f.model
        let grid = m.grid.count == 2 ? "\(m.grid[0])×\(m.grid[1])" : "?"
        let prefix = m.prefixTokens == 1 ? "CLS" : "\(m.prefixTokens) prefix tokens"
        return "Model \(m.name): \(m.layers) blocks, D = \(m.hiddenSize), \(m.tokens) tokens (\(prefix) + \(grid) patches); "
            + "\(f.photos) photos and \(f.synth) synthetic scenes extracted in \(seconds(f.extractSeconds))."
    }

    static func calibratedLine(_ r: DetectionReport) -> String {
        let withMode = r.layers.filter { $0.threshold != nil && $0.thresholdSource == "calibrated" }
        if withMode.isEmpty {
            let widest = r.layers.compactMap { l in l.calibration?.gap.map { (l.layer, $0.widthSigmas) } }.max { $0.1 < $1.1 }
            let gap = widest.map { String(format: " (widest gap %.2g σ, at layer %d; 3 σ needed)", $0.1, $0.0) } ?? ""
            return "High-norm patch tokens: none — norm calibration found no separate high-norm mode in any of the \(r.layers.count) layers\(gap)."
        }
        let taus = withMode.compactMap(\.threshold)
        let perImage = withMode.map(\.sinks.meanPerImage).reduce(0, +) / Double(withMode.count)
        let ratios = withMode.compactMap(\.normRatio)
        let ratio = ratios.isEmpty ? "" : String(format: ", %.3g× the median norm of the other patches", ratios.reduce(0, +) / Double(ratios.count))
        return "High-norm patch tokens: a separate high-norm mode at \(layerList(withMode.map(\.layer))) "
            + String(format: "(calibrated tau %.3g–%.3g), %.2g per image on average", taus.min() ?? 0, taus.max() ?? 0, perImage) + ratio + "."
    }

    static func relativeLine(_ r: DetectionReport, top: DetectionReport) -> String {
        let k = r.parameters["k"] ?? "3"
        let ratios = top.layers.compactMap { l in l.normRatio.map { (l.layer, $0) } }
        let largest = ratios.max { $0.1 < $1.1 }
        let standout = largest.map {
            String(format: "; an image's highest-norm patch stands out by at most %.3g× the other patches' median norm (median over images, layer %d)", $0.1, $0.0)
        } ?? ""
        let with = r.layers.filter { $0.sinks.total > 0 }
        if with.isEmpty {
            return "Relative norm: no patch token exceeds \(k)× its image's median patch norm at any layer\(standout)."
        }
        let perImage = with.map(\.sinks.meanPerImage).reduce(0, +) / Double(with.count)
        return "Relative norm: patch tokens above \(k)× the median patch norm at \(layerList(with.map(\.layer))), "
            + String(format: "%.2g per image on average", perImage) + standout + "."
    }

    static func clsLine(_ r: DetectionReport) -> String {
        let sinkLayers = r.layers.filter { $0.clsIsAttentionSink == true }
        let ratios = sinkLayers.compactMap { $0.prefix.first?.receivedRatio }
        if sinkLayers.isEmpty {
            return "Attention sink: CLS is not the top receiver of attention in most images at any of the \(r.layers.count) layers with attention."
        }
        return "Attention sink: CLS is the top receiver of attention in most images at \(sinkLayers.count) of \(r.layers.count) layers "
            + "(\(layerList(sinkLayers.map(\.layer))))"
            + String(format: ", receiving %.3g–%.3g× the mean patch's attention there.", ratios.min() ?? 0, ratios.max() ?? 0)
    }

    static func patchAttentionLine(_ r: DetectionReport) -> String {
        let m = r.parameters["m"] ?? "5"
        let with = r.layers.filter { $0.sinks.total > 0 }
        if with.isEmpty {
            return "Patch attention sinks: no patch token receives more than \(m)× the uniform share of attention at any layer."
        }
        let busiest = with.max { $0.sinks.meanPerImage < $1.sinks.meanPerImage }!
        let norms = with.compactMap(\.normRatio)
        let normText = norms.isEmpty ? "" : String(format: "; their norm is %.3g–%.3g× the other patches'", norms.min()!, norms.max()!)
        return "Patch attention sinks: patch tokens receive more than \(m)× the uniform share at \(layerList(with.map(\.layer))) "
            + String(format: "(most at layer %d: %.2g per image)", busiest.layer, busiest.sinks.meanPerImage) + normText + "."
    }

    static func relationLine(_ r: DetectionReport) -> String {
        let rho = r.layers.compactMap { l in l.normAttention?.spearman.map { (l.layer, $0) } }
        guard let lo = rho.min(by: { $0.1 < $1.1 }), let hi = rho.max(by: { $0.1 < $1.1 }) else {
            return "Norm vs attention: the store has no received attention to relate to the norms."
        }
        let strongest = max(abs(lo.1), abs(hi.1))
        let strength = strongest < 0.3 ? "a weak relation at most" : strongest < 0.6 ? "a moderate relation at most" : "a strong relation at some layers"
        return "Norm vs attention: over patch tokens, the Spearman correlation of norm and received attention ranges "
            + String(format: "from %.2f (layer %d) to %.2f (layer %d) — %@.", lo.1, lo.0, hi.1, hi.0, strength)
    }

    static func clsNormLine(_ r: DetectionReport) -> String {
        let ratios = r.layers.compactMap { l in l.prefix.first.map { (l.layer, $0.normRatio) } }
        guard let lo = ratios.min(by: { $0.1 < $1.1 }), let hi = ratios.max(by: { $0.1 < $1.1 }) else {
            return "CLS norm: the model has no CLS token."
        }
        let clsSink = r.layers.contains { $0.clsIsAttentionSink == true }
        let verdict = hi.1 >= 3 ? "CLS is a high-norm token there."
            : clsSink ? "CLS draws attention without being a high-norm outlier." : "CLS is not a high-norm outlier."
        return String(format: "CLS norm: from %.2g× the image's median patch norm (layer %d) to %.2g× (layer %d); ", lo.1, lo.0, hi.1, hi.0)
            + verdict
    }

    static func massiveLine(_ r: DetectionReport) -> String {
        let abs = r.parameters["abs"] ?? "100", ratio = r.parameters["ratio"] ?? "1000"
        let with = r.layers.filter { $0.sinks.total > 0 }
        if with.isEmpty {
            return "Massive activations: none — no hidden dimension exceeds \(abs) and \(ratio)× the token's median magnitude at any layer."
        }
        let dims = Array(Set(with.flatMap { $0.dimensions.map(\.dimension) })).sorted().prefix(6).map(String.init).joined(separator: ", ")
        return "Massive activations: at \(layerList(with.map(\.layer))), in dimensions \(dims)."
    }

    static func probeLine(_ p: ProbeHeadline) -> String {
        let interval = p.bestInterval.flatMap { $0.count == 2 ? String(format: " [95%% CI %.2f–%.2f]", $0[0], $0[1]) : nil } ?? ""
        let chance = p.chance.map { String(format: ", chance %.2f", $0) } ?? ""
        var s = "Probe, \(p.kind) label '\(p.target)': best from \(groupName(p.bestGroup)), \(p.metric) "
            + String(format: "%.2f", p.bestScore) + interval + " at layer \(p.layer)" + chance
        if let g = p.sinkGroup, let score = p.sinkScore {
            s += "; at that layer, " + groupName(g) + String(format: ": %.2f", score)
        }
        return s + "."
    }

    /// Group names of the probe grammar in words.
    static func groupName(_ group: String) -> String {
        let names = [
            "cls": "CLS", "patches": "the mean of all patches", "sinks_topk": "the top-4 patches by norm",
            "sinks_attention": "the attention-sink patches", "sinks_norm": "the high-norm sinks",
            "nonsinks": "the non-sink patches", "random_topk": "4 random patches", "random_attention": "random patches matched to the attention sinks",
        ]
        return names[group] ?? group
    }

    // MARK: - Formatting

    /// `[2, 3, 4, 7, 9, 10]` → "layers 2–4, 7, 9–10".
    public static func layerList(_ layers: [Int]) -> String {
        let sorted = Array(Set(layers)).sorted()
        guard !sorted.isEmpty else { return "no layer" }
        var runs: [String] = []
        var start = sorted[0], previous = sorted[0]
        for l in sorted.dropFirst() + [Int.min] {
            if l == previous + 1 { previous = l; continue }
            runs.append(start == previous ? "\(start)" : "\(start)–\(previous)")
            start = l; previous = l
        }
        return (sorted.count == 1 ? "layer " : "layers ") + runs.joined(separator: ", ")
    }

    static func seconds(_ s: Double) -> String {
        s < 90 ? String(format: "%.0f s", s) : String(format: "%.1f min", s / 60)
    }
}
