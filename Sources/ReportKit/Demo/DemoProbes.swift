import ActivationStore
import Foundation
import SinkAnalysis

/// The demo's probes on the synthetic store: a global label (`texture`) and a local one
/// (`quadrant`) from four token groups at every layer — CLS, the top-4 patches by norm (the
/// closest a model without high-norm outliers has to norm sinks), the mean of all patches, and 4
/// random patches (the matched-size baseline) — each a 5-fold logistic probe with a bootstrap
/// interval and a Hewitt–Liang control score.
enum DemoProbes {
    static let targets = [(kind: "global", column: "texture"), (kind: "local", column: "quadrant")]
    static let groups: [TokenGroup] = [.cls, .sinks("topk"), .patches, .random(4)]

    /// Runs the probes, writes `out/results.json` (`{"results": [...]}`) and `out/results.csv`,
    /// and returns one headline per target.
    /// - Parameter sinkGroup: the group the claim "sinks carry global information" is about.
    static func run(store: StoreReader, seed: UInt64, sinkGroup: String, out: URL, progress: Bool) throws -> [ProbeHeadline] {
        var rows: [ProbeResult] = []
        for target in targets {
            for group in groups {
                let spec = ProbeSpec(
                    layers: .all, group: group, reduce: group == .cls ? nil : .mean, target: .label(target.column),
                    probe: .logistic, folds: 5, seed: seed, bootstrapResamples: 1000, control: true)
                rows += try ProbeRun.run(spec, store: store, showProgress: progress).results
            }
        }
        try write(rows, to: out)
        return targets.compactMap { headline(rows, kind: $0.kind, target: "label:\($0.column)", sinkGroup: sinkGroup) }
    }

    /// The best group at the best layer for `target`, with the sink group's score at that layer.
    static func headline(_ rows: [ProbeResult], kind: String, target: String, sinkGroup: String) -> ProbeHeadline? {
        let candidates = rows.filter { $0.target == target && $0.score.isFinite }
        guard let best = candidates.max(by: { $0.score < $1.score }) else { return nil }
        let sink = candidates.first { $0.layer == best.layer && $0.group == sinkGroup }
        let interval = best.ciLower.flatMap { lo in best.ciUpper.map { [lo, $0] } }
        return ProbeHeadline(
            kind: kind, target: String(target.dropFirst("label:".count)), metric: best.metric, layer: best.layer,
            bestGroup: best.group, bestScore: best.score, bestInterval: interval, sinkGroup: sink?.group,
            sinkScore: sink?.score, chance: best.classes.map { 1 / Double($0) })
    }

    static func write(_ rows: [ProbeResult], to directory: URL) throws {
        struct File: Encodable { var results: [ProbeResult] }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(File(results: rows)).write(to: directory.appendingPathComponent("results.json"), options: .atomic)
        try Data(ProbeResult.csv(rows).utf8).write(to: directory.appendingPathComponent("results.csv"), options: .atomic)
    }
}
