import Support
import ActivationStore
import Foundation
import LinearAlgebra

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
/// decoded once per run. Memory: one layer's samples of every group, plus one layer of hidden
/// states while gathering them (read once for all groups when it fits in 1 GiB).
///
/// Rows run on `workers` threads, each with single-threaded BLAS: a row's matrices are small
/// (hundreds to thousands of samples × D), where OpenBLAS's own threads cost more than they
/// save (measured: a 64-row layer took half the CPU time with one BLAS thread). The numbers do
/// not depend on `workers`: each row is computed on its own, and rows keep the plan's order.
public enum SuiteRun {
    /// Largest layer (`[N, T, D]` Float32 bytes) read once for all groups; a bigger layer is read in
    /// chunks of 64 images per group, so peak memory stays bounded whatever the number of images
    /// (256 MiB: a 650-image DINOv2-S layer).
    static let preloadBudget = 1 << 28

    /// - Parameters:
    ///   - suite: the suite checked against `store`.
    ///   - workers: rows computed at once (OpenBLAS is set to one thread for the run, then restored).
    ///   - progress: a progress bar over rows on stderr.
    /// - Throws: `SuiteError` (patch colours unavailable), `ProbeError` for NaN/Inf activations or
    ///   a non-numeric label under ridge, `StoreError`. A group that is empty, or too small to
    ///   cross-validate, at a layer is not an error: its rows get `n` and a note.
    public static func run(_ suite: ResolvedSuite, store: StoreReader, workers: Int = 2, progress: Bool = true) throws -> SuiteReport {
        let started = Date()
        let blasThreads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(blasThreads) }
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
            let model = store.model
            if store.images.count * model.tokens * model.hiddenSize * 4 <= preloadBudget {
                inputs.hidden = try store.hidden(layer: layer)
                inputs.norms = try store.norms(layer: layer)
            }
            for b in bindings where jobs.contains(where: { $0.group == b.name }) {
                let key = ProbeInputs.SampleKey(group: b.token, reduce: b.entry.reduce)
                guard inputs.samples[key] == nil else { continue }
                inputs.samples[key] = try ProbeSamples.gatherAllowingEmpty(
                    from: store, layer: layer, group: b.token, reduce: b.entry.reduce, images: Array(store.images.indices),
                    seed: file.seed, chunk: 64, inputs: inputs)
            }
            inputs.hidden = nil
            inputs.norms = nil
            let shared = inputs
            rows += try parallelMap(jobs, workers: workers) { job in
                let rowStart = Date()
                let spec = try self.spec(job, layer: layer, binding: binding[job.group]!, suite: file)
                let result = try evaluate(spec, store: store, layer: layer, inputs: shared)
                bar.advance()
                return SuiteRow(layer: layer, group: job.group, target: job.target ?? "-", probe: job.probe,
                                tag: job.target.flatMap { file.target($0)?.tag }, spec: spec, result: result,
                                seconds: Date().timeIntervalSince(rowStart))
            }
        }
        bar.finish()
        return SuiteReport(suite: file, source: suite.document.source, store: store.url.path, model: store.model.name,
                           layers: suite.layers, rows: rows, skipped: suite.plan.skipped, detection: detection,
                           seconds: Date().timeIntervalSince(started))
    }

    /// The engine's spec for one row: the suite's protocol with the group's, target's and probe's
    /// settings. A control-task row gets no control of its own and no permutation test (shuffling
    /// labels that are already random tests nothing).
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
                         standardize: true, bootstrapResamples: suite.bootstrap, permutations: isControl ? 0 : suite.permutations,
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

// MARK: - Rows in parallel

extension SuiteRun {
    /// `items.map(body)` on `workers` threads, results in input order. After a failure no new
    /// item starts, and the failure of the lowest index among the items computed is thrown.
    static func parallelMap<T: Sendable, R: Sendable>(
        _ items: [T], workers: Int, _ body: @escaping @Sendable (T) throws -> R
    ) throws -> [R] {
        guard workers > 1, items.count > 1 else { return try items.map(body) }
        let state = ParallelResults<R>(count: items.count)
        DispatchQueue.concurrentPerform(iterations: min(workers, items.count)) { _ in
            while let i = state.claim() {
                do { state.store(i, .success(try body(items[i]))) } catch { state.store(i, .failure(error)) }
            }
        }
        return try state.results()
    }
}

/// Work queue and result slots of `SuiteRun.parallelMap`, guarded by a lock.
final class ParallelResults<R: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<R, Error>?]
    private var next = 0
    private var failed = false

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    /// The next item to compute, or nil when all are taken or one failed.
    func claim() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard !failed, next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    func store(_ i: Int, _ r: Result<R, Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[i] = r
        if case .failure = r { failed = true }
    }

    func results() throws -> [R] {
        lock.lock(); defer { lock.unlock() }
        if let failure = slots.lazy.compactMap({ $0 }).first(where: { if case .failure = $0 { true } else { false } }),
           case .failure(let e) = failure {
            throw e
        }
        return try slots.map { try $0!.get() }
    }
}
