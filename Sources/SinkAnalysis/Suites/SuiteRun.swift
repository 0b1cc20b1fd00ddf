import ActivationStore
import Foundation

/// Runs a probe suite over a store: every planned group × target × probe at every layer, each
/// row through the same engine call as `sinkscope probe` (`ProbeRun.evaluate`), so a suite row
/// and the single probe with the same settings give the same numbers.
///
///     let document = try SuiteDocument(contentsOf: URL(fileURLWithPath: "Probes/position.yaml"))
///     let store = try StoreReader(url: URL(fileURLWithPath: "stores/synth"))
///     let report = try SuiteRun.run(try ResolvedSuite(document, store: store), store: store)
///     try report.write(to: URL(fileURLWithPath: "results/position"))
///     print(report.table())
///
/// Work is shared, never the numbers: per layer, each sink mask is read or detected once, each
/// group's samples are gathered once for all its targets (`ProbeInputs`), and patch colours are
/// decoded once per run. Memory: one layer's samples of every group (plus one layer of hidden
/// states while gathering).
public enum SuiteRun {
    /// - Parameters:
    ///   - suite: the suite checked against `store`.
    ///   - progress: a progress bar over rows on stderr.
    /// - Throws: `SuiteError` (patch colours unavailable), `ProbeError` for NaN/Inf activations or
    ///   a non-numeric label under ridge, `StoreError`. A group that is empty, or too small to
    ///   cross-validate, at a layer is not an error: its rows get `n` and a note.
    public static func run(_ suite: ResolvedSuite, store: StoreReader, progress: Bool = true) throws -> SuiteReport {
        let started = Date()
        let file = suite.document.suite
        let bindings = try GroupBinding.bind(file)
        let binding = Dictionary(uniqueKeysWithValues: bindings.map { ($0.name, $0) })
        let jobs = suite.plan.jobs
        let needsColors = jobs.contains { job in job.target.flatMap { file.target($0) }.map { SuitePlan.base($0, file) == .patchColor } ?? false }
        let colors = needsColors ? try PatchColors.load(store: store, progress: progress) : nil

        let bar = ProgressBar(total: suite.layers.count * jobs.count, unit: "probes", label: file.name, enabled: progress)
        var rows: [SuiteRow] = []
        var detection: [SuiteDetection] = []
        for layer in suite.layers {
            let (masks, info) = try SuiteMasks.layer(layer, bindings: bindings, store: store)
            detection += info
            var inputs = ProbeInputs(masks: masks, patchColors: colors)
            for b in bindings where jobs.contains(where: { $0.group == b.name }) {
                let key = ProbeInputs.SampleKey(group: b.token, reduce: b.entry.reduce)
                guard inputs.samples[key] == nil else { continue }
                inputs.samples[key] = try ProbeSamples.gatherAllowingEmpty(
                    from: store, layer: layer, group: b.token, reduce: b.entry.reduce, images: Array(store.images.indices),
                    seed: file.seed, chunk: 64, inputs: inputs)
            }
            for job in jobs {
                let rowStart = Date()
                let spec = try self.spec(job, layer: layer, binding: binding[job.group]!, suite: file)
                let result = try evaluate(spec, store: store, layer: layer, inputs: inputs)
                rows.append(SuiteRow(layer: layer, group: job.group, target: job.target ?? "-", probe: job.probe,
                                     tag: job.target.flatMap { file.target($0)?.tag }, spec: spec, result: result,
                                     seconds: Date().timeIntervalSince(rowStart)))
                bar.advance()
            }
        }
        bar.finish()
        return SuiteReport(suite: file, source: suite.document.source, store: store.url.path, model: store.model.name,
                           layers: suite.layers, rows: rows, skipped: suite.plan.skipped, detection: detection,
                           seconds: Date().timeIntervalSince(started))
    }

    /// The engine's spec for one row: the suite's protocol with the group's, target's and probe's settings.
    static func spec(_ job: SuitePlan.Job, layer: Int, binding: GroupBinding, suite: SuiteFile) throws -> ProbeSpec {
        let probe = suite.probes.first { $0.name == job.probe }!.value
        var target: ProbeTarget? = nil
        var isControl = false
        if let name = job.target, let entry = suite.target(name) {
            target = engineTarget(entry.kind, probe: probe, suite: suite)
            if case .control = entry.kind { isControl = true }
        }
        let (kind, regularisation, maxIterations, components): (ProbeKind, Double?, Int, Int)
        switch probe {
        case let .logistic(c, maxIter): (kind, regularisation, maxIterations, components) = (.logistic, c, maxIter, 10)
        case let .ridge(alpha): (kind, regularisation, maxIterations, components) = (.ridge, alpha, 100, 10)
        case let .pca(k): (kind, regularisation, maxIterations, components) = (.pca, nil, 100, k)
        }
        return ProbeSpec(layers: .list([layer]), group: binding.token, reduce: binding.entry.reduce, target: target, probe: kind,
                         folds: suite.folds, components: components, seed: suite.seed, regularisation: regularisation,
                         standardize: true, bootstrapResamples: suite.bootstrap, permutations: suite.permutations,
                         control: suite.controls && !isControl, maxIterations: maxIterations)
    }

    /// The engine's target for a suite target (a control names a label target, checked by the plan).
    static func engineTarget(_ kind: TargetKind, probe: ProbeEntry, suite: SuiteFile) -> ProbeTarget {
        switch kind {
        case .label(let column): return .label(column)
        case .position(.row): return .gridRow
        case .position(.col): return .gridColumn
        case .position: return .position   // index for logistic, (row, col) for ridge
        case .patchColor: return .patchColor
        case .control(let of):
            if case .label(let column)? = suite.target(of)?.kind { return .control(column) }
            return .control(nil)
        }
    }

    /// `ProbeRun.evaluate`, with a group too small at this layer turned into a row that says so.
    static func evaluate(_ spec: ProbeSpec, store: StoreReader, layer: Int, inputs: ProbeInputs) throws -> ProbeResult {
        do {
            return try ProbeRun.evaluate(spec, store: store, layer: layer, inputs: inputs)
        } catch let error as ProbeError {
            var n = 0, images = 0
            switch error {
            case .emptyGroup: break
            case let .tooFewSamples(samples, _): n = samples
            case let .tooFewGroups(groups, _): images = groups
            case let .singleClass(_, samples): n = samples
            default: throw error
            }
            return ProbeResult(layer: layer, group: spec.group.description, reduce: spec.reduce?.rawValue ?? "token",
                               target: spec.probe == .pca ? "-" : (spec.target?.description ?? "-"), probe: spec.probe.rawValue,
                               metric: spec.probe == .pca ? "explained_variance_ratio" : (spec.probe == .logistic ? "accuracy" : "r2"),
                               score: .nan, n: n, images: images, details: [:], notes: ["not scored: \(error.description)"])
        }
    }
}
