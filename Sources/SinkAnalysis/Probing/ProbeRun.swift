import Support
import ActivationStore
import Foundation
import LinearAlgebra

/// Runs one `ProbeSpec` over a store — every selected layer — and writes `results.json` and
/// `results.csv`. `sinkscope probe` and probe suites both call this.
///
/// Per layer: gather the group's samples (`ProbeSamples`), build the target, then
/// - logistic / ridge: k-fold cross-validation grouped by image (`CrossValidatedProbe`),
///   bootstrap interval over images, the control task (`ControlTask`, same pipeline) and
///   selectivity, and optionally a permutation p-value;
/// - pca: exact PCA from a covariance accumulated shard by shard (`CovarianceAccumulator`), so a
///   store larger than memory works; reports the explained-variance ratios.
public enum ProbeRun {
    /// - Parameters:
    ///   - spec: what to probe; validated first.
    ///   - store: the activation store (with masks for sink groups).
    ///   - showProgress: a progress bar over layers on stderr.
    public static func run(_ spec: ProbeSpec, store: StoreReader, showProgress: Bool = true) throws -> ProbeRunReport {
        try spec.validate()
        let layers = try selectLayers(spec.layers, store: store)
        let started = Date()
        let bar = ProgressBar(total: layers.count, unit: "layers", label: "probe", enabled: showProgress)
        var results: [ProbeResult] = []
        for layer in layers {
            results.append(try evaluate(spec, store: store, layer: layer))
            bar.advance()
        }
        bar.finish()
        return ProbeRunReport(spec: spec, store: store.url.path, model: store.model.name, results: results,
                              seconds: Date().timeIntervalSince(started))
    }

    /// Writes `directory/results.json` (the whole report) and `directory/results.csv` (one row
    /// per result), each atomically (temporary file, then rename).
    public static func write(_ report: ProbeRunReport, to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try json(report).write(to: directory.appendingPathComponent("results.json"), options: .atomic)
        try Data(ProbeResult.csv(report.results).utf8).write(to: directory.appendingPathComponent("results.csv"), options: .atomic)
    }

    /// The report as pretty JSON with sorted keys (non-finite numbers as "nan"/"inf" strings).
    public static func json(_ report: ProbeRunReport) throws -> Data {
        let encoder = JSONCoding.encoder()
        return try encoder.encode(report)
    }

    /// A per-layer table for the terminal.
    public static func table(_ report: ProbeRunReport) -> String {
        func f(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "-" }
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }
        let spec = report.spec
        var lines = ["\(spec.probe.rawValue) probe, group \(spec.group), reduce \(spec.reduce?.rawValue ?? "token"), target \(spec.target?.description ?? "-") on \(report.model)"]
        lines.append("layer  " + [report.results.first?.metric ?? "score", "95% CI", "control", "selectivity", "n", "images"]
            .enumerated().map { pad($1, $0 == 1 ? 15 : 11) }.joined(separator: " "))
        for r in report.results {
            let ci = r.ciLower.map { "[\(f($0)), \(f(r.ciUpper))]" } ?? "-"
            lines.append(pad("\(r.layer)", 5) + "  " + [pad(f(r.score), 11), pad(ci, 15), pad(f(r.controlScore), 11),
                                                          pad(f(r.selectivity), 11), pad("\(r.n)", 11), pad("\(r.images)", 11)].joined(separator: " "))
            for note in r.notes { lines.append("       note: \(note)") }
        }
        lines.append(String(format: "%.1f s", report.seconds))
        return lines.joined(separator: "\n")
    }

    // MARK: - One layer

    /// One layer of `spec`. `inputs` (probe suites) supplies in-memory masks, patch colours and
    /// samples already gathered; the numbers are the same as without them.
    static func evaluate(_ spec: ProbeSpec, store: StoreReader, layer: Int, inputs: ProbeInputs = ProbeInputs()) throws -> ProbeResult {
        var notes: [String] = []
        let target = try ProbeTargetBuilder(spec: spec, store: store, patchColors: inputs.patchColors)
        if target.skippedImages > 0 { notes.append("\(target.skippedImages) images without the label were left out") }
        var result = ProbeResult(
            layer: layer, group: spec.group.description, reduce: spec.reduce?.rawValue ?? "token",
            target: spec.probe == .pca ? "-" : (spec.target?.description ?? "-"), probe: spec.probe.rawValue,
            metric: "", score: .nan, n: 0, images: 0, details: [:], notes: notes)
        if spec.probe == .pca { return try streamedPCA(spec, store: store, layer: layer, result: result, inputs: inputs) }

        let key = ProbeInputs.SampleKey(group: spec.group, reduce: spec.reduce)
        var samples = try inputs.cached(key, images: target.images)
            ?? ProbeSamples.gather(from: store, layer: layer, group: spec.group, reduce: spec.reduce,
                                   images: target.images, seed: spec.seed, inputs: inputs)
        if samples.emptyImages > 0 { result.notes.append("\(samples.emptyImages) images had no token in the group") }

        let built = try target.values(for: &samples)
        result.n = samples.x.rows
        result.images = Set(samples.image).count
        let bootstrap = spec.bootstrapResamples > 0 ? Bootstrap(resamples: spec.bootstrapResamples, seed: spec.seed) : nil
        let controlSeed = spec.seed ^ 0x5EED_C0DE
        switch built {
        case let .classes(y, count):
            result.metric = "accuracy"
            result.classes = count
            let probe = LogisticProbe(c: spec.regularisation ?? 1, maxIterations: spec.maxIterations)
            let score: ([Int], Bootstrap?) throws -> CrossValidatedScore = { labels, b in
                try CrossValidatedProbe.classification(x: samples.x, y: labels, classes: count, groups: samples.image, probe: probe,
                                                       folds: spec.folds, seed: spec.seed, standardize: spec.standardize, bootstrap: b)
            }
            let main = try score(y, bootstrap)
            result.apply(main)
            if spec.control, !target.isControl {
                let control = try score(ControlTask.targets(y, types: target.controlTypes(samples), seed: controlSeed), nil)
                result.applyControl(control)
            }
            if spec.permutations > 0 {
                let test = PermutationTest(permutations: spec.permutations, seed: spec.seed)
                result.pValue = try test.run(observed: main.score, targets: y, groups: target.permutationGroups(samples)) {
                    try score($0, nil).score
                }.pValue
            }
        case let .values(y):
            result.metric = "r2"
            let probe = RidgeProbe(alpha: spec.regularisation ?? 1)
            let score: ([[Double]], Bootstrap?) throws -> CrossValidatedScore = { rows, b in
                let m = MatrixD(rows: rows.count, cols: y.cols, values: rows.flatMap { $0 })
                return try CrossValidatedProbe.regression(x: samples.x, y: m, groups: samples.image, probe: probe, folds: spec.folds,
                                                          seed: spec.seed, standardize: spec.standardize, bootstrap: b)
            }
            let rows = (0..<y.rows).map { Array(y.row($0)) }
            let main = try score(rows, bootstrap)
            result.apply(main)
            if spec.control, !target.isControl {
                result.applyControl(try score(ControlTask.targets(rows, types: target.controlTypes(samples), seed: controlSeed), nil))
            }
            if spec.permutations > 0 {
                let test = PermutationTest(permutations: spec.permutations, seed: spec.seed)
                result.pValue = try test.run(observed: main.score, targets: rows, groups: target.permutationGroups(samples)) {
                    try score($0, nil).score
                }.pValue
            }
        }
        return result
    }

    /// Exact PCA of the group's samples at `layer`, the covariance accumulated in blocks of
    /// `covarianceBlock` images (by image index), reading one shard at a time. The blocks do not
    /// follow the shard files, so a store and the same images merged from shard stores (other
    /// shard boundaries) give the same covariance to the last bit, cached samples or not.
    /// Images per covariance block of `streamedPCA`.
    static let covarianceBlock = 64

    static func streamedPCA(_ spec: ProbeSpec, store: StoreReader, layer: Int, result: ProbeResult,
                            inputs: ProbeInputs = ProbeInputs()) throws -> ProbeResult {
        var accumulator = CovarianceAccumulator(features: store.model.hiddenSize)
        accumulator.name = "the layer \(layer) hidden states"
        var images = Set<Int>()
        var block = BlockFeeder(cols: store.model.hiddenSize)
        if let all = inputs.samples[ProbeInputs.SampleKey(group: spec.group, reduce: spec.reduce)] {
            try block.feed(all.x, images: all.image, into: &accumulator)
            images.formUnion(all.image)
        } else {
            try ProbeSamples.forEachShard(from: store, layer: layer, group: spec.group, reduce: spec.reduce, seed: spec.seed,
                                          inputs: inputs) { s in
                try block.feed(s.x, images: s.image, into: &accumulator)
                images.formUnion(s.image)
            }
        }
        try block.flush(into: &accumulator)
        guard accumulator.count > 0 else { throw ProbeError.emptyGroup(name: spec.group.description) }
        let fitted = try PCA(components: spec.components, method: .exact, seed: spec.seed).fit(accumulator)
        var result = result
        result.metric = "explained_variance_ratio"
        result.score = fitted.explainedVarianceRatio.reduce(0, +)
        result.explainedVarianceRatio = fitted.explainedVarianceRatio
        result.n = accumulator.count
        result.images = images.count
        let skipped = store.images.count - images.count
        if skipped > 0 { result.notes.append("\(skipped) images had no token in the group") }
        return result
    }

    static func selectLayers(_ selection: LayerSelection, store: StoreReader) throws -> [Int] {
        switch selection {
        case .all: return store.layers
        case .list(let layers):
            if let missing = layers.first(where: { !store.layers.contains($0) }) {
                throw ProbeError.invalidParameter(name: "layers", value: "\(missing)",
                                                  allowed: "one of the captured layers \(store.layers.map(String.init).joined(separator: ","))")
            }
            return layers
        }
    }
}

private extension ProbeResult {
    mutating func apply(_ s: CrossValidatedScore) {
        score = s.score
        ciLower = s.interval?.lower
        ciUpper = s.interval?.upper
        ciLevel = s.interval?.level
        details.merge(s.details) { $1 }
    }

    mutating func applyControl(_ s: CrossValidatedScore) {
        controlScore = s.score
        selectivity = score - s.score
        for (k, v) in s.details { details["control_" + k] = v }
    }
}

/// Regroups sample rows (in image order) into blocks of `ProbeRun.covarianceBlock` images for a
/// `CovarianceAccumulator`, whatever blocks they arrive in.
struct BlockFeeder {
    let cols: Int
    private var pending: [Float] = []
    private var pendingRows = 0
    private var pendingBlock: Int?

    init(cols: Int) { self.cols = cols }

    /// Adds `x` `[r, D]` whose row i belongs to image `images[i]`.
    mutating func feed(_ x: Matrix, images: [Int], into accumulator: inout CovarianceAccumulator) throws {
        for r in 0..<x.rows {
            let b = images[r] / ProbeRun.covarianceBlock
            if b != pendingBlock {
                try flush(into: &accumulator)
                pendingBlock = b
            }
            pending += x.values[(r * cols)..<((r + 1) * cols)]
            pendingRows += 1
        }
    }

    mutating func flush(into accumulator: inout CovarianceAccumulator) throws {
        guard pendingRows > 0 else { return }
        try accumulator.add(Matrix(rows: pendingRows, cols: cols, values: pending))
        pending = []
        pendingRows = 0
    }
}
