import ReportKit
import ActivationStore
import Foundation
import SinkAnalysis

/// The default probe suites of `Probes/` on the demo's synthetic store, and the headlines the
/// summary quotes from them.
///
/// `global-vs-local`, `position` and `layer-sweep` run at every layer. `controls` refits every
/// probe once per permutation (20 in the file), so the demo narrows it to three layers — the first
/// block, the middle and the last — to stay within minutes; run the suite itself for all layers.
enum DemoSuites {
    static let full = ["global-vs-local", "position", "layer-sweep"]
    static let narrowed = "controls"

    struct Outcome {
        /// Directory of each suite's results (`results.json`, `results.csv`), by suite name.
        var results: [String: URL]
        var headlines: [ProbeHeadline]
        /// Suites that were not found under the probes folder.
        var missing: [String]
    }

    /// - Parameter sinkGroup: the suite group the claim "sinks carry global information" is about
    ///   (`cls` when CLS is the model's attention sink).
    static func run(store: StoreReader, probes: URL, out: URL, sinkGroup: String, progress: Bool,
                    log: (String) -> Void) throws -> Outcome {
        var outcome = Outcome(results: [:], headlines: [], missing: [])
        var reports: [String: SuiteReport] = [:]
        for name in full + [narrowed] {
            let file = probes.appendingPathComponent("\(name).yaml")
            guard FileManager.default.fileExists(atPath: file.path) else { outcome.missing.append(name); continue }
            var document = try SuiteDocument(contentsOf: file)
            if name == narrowed {
                let layers = store.layers
                let picks = Array(Set([layers.dropFirst().first, layers[layers.count / 2], layers.last].compactMap { $0 })).sorted()
                document = document.narrowed(to: .list(picks))
                log("probe: suite \(name) at layers \(picks.map(String.init).joined(separator: ","))")
            } else {
                log("probe: suite \(name) at every layer")
            }
            let report = try SuiteRun.run(try ResolvedSuite(document, store: store), store: store, progress: progress)
            let directory = out.appendingPathComponent(name)
            try report.write(to: directory)
            outcome.results[name] = directory
            reports[name] = report
        }
        if let gvl = reports["global-vs-local"] {
            outcome.headlines = [("global", "texture"), ("local", "quadrant")].compactMap {
                headline(gvl.rows, kind: $0.0, target: $0.1, sinkGroup: sinkGroup)
            }
        }
        return outcome
    }

    /// The best group at the best layer for `target`, among groups present in at least 80% of the
    /// images; the sink group's score there (or, when the sink group is the best, the runner-up's).
    static func headline(_ rows: [SuiteRow], kind: String, target: String, sinkGroup: String) -> ProbeHeadline? {
        let scored = rows.filter { $0.target == target && $0.probe == "logistic" && $0.result.score.isFinite && $0.result.n > 0 }
        // A group present in only a few images (attention sinks at a layer where most images have
        // none) can top the table by chance; a headline only compares groups seen in most images.
        let most = (scored.map(\.result.n).max() ?? 0) * 4 / 5
        let candidates = scored.filter { $0.result.n >= most }
        guard let best = candidates.max(by: { $0.result.score < $1.result.score }) else { return nil }
        let sameLayer = candidates.filter { $0.layer == best.layer && $0.group != best.group }
        let other = best.group == sinkGroup
            ? sameLayer.max { $0.result.score < $1.result.score }
            : sameLayer.first { $0.group == sinkGroup }
        let r = best.result
        return ProbeHeadline(
            kind: kind, target: target, metric: r.metric, layer: best.layer, bestGroup: best.group, bestScore: r.score,
            bestInterval: r.ciLower.flatMap { lo in r.ciUpper.map { [lo, $0] } },
            sinkGroup: other?.group, sinkScore: other?.result.score, chance: r.classes.map { 1 / Double($0) })
    }
}
