import ActivationStore
import ArgumentParser
import Foundation
import LinearAlgebra
import SinkAnalysis

/// `sinkscope probe`: a probe suite (`Probes/SUITE.yaml`), or one probe given by flags, over a store's layers.
struct ProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Run a probe suite, or one probe (logistic, ridge or PCA) on a token group, over a store's layers.",
        discussion: """
            With a suite file (see Probes/README.md), every group × target × probe it declares runs at \
            every layer; --layers may narrow its layers, and the flags that describe a single probe \
            are not used. Without one, the flags below describe the probe.
            Groups: cls, registers (the register tokens, on models with registers), patches, \
            sinks:METHOD, nonsinks:METHOD (masks written by `detect`), random:K \
            (K random patches per image), matched:METHOD (as many random non-sink patches as the image \
            has sinks). Without --reduce every token is a sample and folds are grouped by image (no \
            token of a test image is seen in training); --reduce mean|maxnorm makes one sample per image.
            Targets: label:COLUMN (from the labels CSV; classes for logistic, numbers for ridge), \
            position (patch (row, col) for ridge, patch index for logistic), control[:COLUMN] (the \
            Hewitt-Liang control task itself). Logistic and ridge report the cross-validated score \
            (accuracy, R²) with a bootstrap 95% interval over images, the control-task score and the \
            selectivity; PCA reports the explained-variance ratio of --components components.
            Writes DIR/results.json and DIR/results.csv (one row per layer), DIR = --out.

            Examples:
              sinkscope probe Probes/global-vs-local.yaml --store /tmp/synth-store \\
                --out /tmp/global-vs-local
              sinkscope probe --store /tmp/synth-store --layers all --group cls \\
                --target label:shape --probe logistic --out /tmp/probe-cls
              sinkscope probe --store /tmp/synth-store --group sinks:norm \\
                --reduce mean --target label:shape --probe logistic \\
                --out /tmp/probe-sinks
              sinkscope probe --store /tmp/synth-store --group patches \\
                --target position --probe ridge --layers 0,6,12 --out /tmp/probe-pos
              sinkscope probe --store /tmp/synth-store --group patches --probe pca \\
                --components 10 --out /tmp/pca
            """)

    @Argument(help: "A probe-suite YAML file (e.g. Probes/position.yaml); leave out to describe one probe with the flags.")
    var suite: String?

    @OptionGroup var input: StoreOptions

    @Option(help: "Layers: 'all' (default) or a comma-separated list such as 0,4,8; with a suite, narrows the suite's layers.")
    var layers: LayerSelection?

    @Option(help: "Token group: \(TokenGroup.grammar) (single probe).")
    var group: String?

    @Option(help: "One sample per image: mean or maxnorm (default: one sample per token).")
    var reduce: String?

    @Option(help: "What to predict: \(ProbeTarget.grammar) (not used by pca).")
    var target: String?

    @Option(help: "Probe: logistic, ridge or pca (single probe).")
    var probe: String?

    @Option(help: "Cross-validation folds (logistic, ridge).")
    var folds: Int = 5

    @Option(help: "PCA components.")
    var components: Int = 10

    @Option(help: "Seed for folds, random groups, control tasks and the bootstrap.")
    var seed: UInt64 = 0

    @Option(help: "C of the logistic probe or alpha of the ridge probe (default 1).")
    var regularisation: Double?

    @Option(help: "Bootstrap resamples for the 95% interval (0 for none).")
    var bootstrap: Int = 1000

    @Option(help: "Permutation-test refits for a p-value (0 for none; each is a full cross-validation).")
    var permutations: Int = 0

    @Flag(help: "Skip the control task (no control score or selectivity).")
    var noControl = false

    @Flag(help: "Do not standardise features on each training fold.")
    var noStandardize = false

    @Option(help: "BLAS threads (default: OpenBLAS's choice); with a suite, rows computed at once, each on one BLAS thread (default 2).")
    var threads: Int?

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if suite != nil {
            if let flag = [("--group", group), ("--probe", probe), ("--target", target), ("--reduce", reduce)].first(where: { $0.1 != nil }) {
                throw ValidationError("\(flag.0) describes a single probe; a suite declares its groups, targets and probes in the file.")
            }
        } else {
            _ = try spec()
        }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads).") }
    }

    /// The probe description the flags spell.
    func spec() throws -> ProbeSpec {
        guard let group, let probe else { throw ValidationError("give a suite file, or --group and --probe for a single probe.") }
        guard let tokenGroup = TokenGroup(group) else { throw ValidationError("--group '\(group)' must be one of \(TokenGroup.grammar).") }
        guard let kind = ProbeKind(rawValue: probe) else { throw ValidationError("--probe '\(probe)' must be logistic, ridge or pca.") }
        var reduction: Reduction? = nil
        if let reduce {
            guard let r = Reduction(rawValue: reduce) else { throw ValidationError("--reduce '\(reduce)' must be mean or maxnorm.") }
            reduction = r
        }
        var probeTarget: ProbeTarget? = nil
        if let target {
            guard let t = ProbeTarget(target) else { throw ValidationError("--target '\(target)' must be one of \(ProbeTarget.grammar).") }
            probeTarget = t
        }
        let spec = ProbeSpec(
            layers: layers ?? .all, group: tokenGroup, reduce: reduction, target: probeTarget, probe: kind, folds: folds,
            components: components, seed: seed, regularisation: regularisation, standardize: !noStandardize,
            bootstrapResamples: bootstrap, permutations: permutations, control: !noControl)
        do { try spec.validate() } catch let error as ProbeError { throw ValidationError(error.description) }
        return spec
    }

    /// Runs the probe (or the suite), writes the results, and returns what `run()` prints.
    func output() throws -> String {
        if let threads { BLASThreads.set(threads) }
        let reader = try input.reader()
        if let suite { return try outputOptions.render(try suiteResults(suite, store: reader)) }
        let report = try ProbeRun.run(try spec(), store: reader, showProgress: outputOptions.progress)
        try ProbeRun.write(report, to: outputOptions.url)
        return try outputOptions.render(Written(result: report, note: writtenNote))
    }

    func run() throws {
        print(try output())
    }

    /// Runs a suite file (narrowed to --layers) and writes its results.
    func suiteResults(_ path: String, store reader: StoreReader) throws -> Written<SuiteReport> {
        var document = try SuiteDocument(contentsOf: URL(fileURLWithPath: path))
        if let layers { document = document.narrowed(to: layers) }
        let report = try SuiteRun.run(
            try ResolvedSuite(document, store: reader), store: reader, workers: threads ?? 2, progress: outputOptions.progress)
        try report.write(to: outputOptions.url)
        return Written(result: report, note: writtenNote)
    }

    /// The line after the table.
    var writtenNote: String {
        "wrote \(outputOptions.url.appendingPathComponent("results.json").path) and results.csv"
    }
}

extension ProbeRunReport: CommandOutput {
    var tableText: String { ProbeRun.table(self) }
    func jsonText() throws -> String { String(decoding: try ProbeRun.json(self), as: UTF8.self) }
}

extension SuiteReport: CommandOutput {
    var tableText: String { table() }
    func jsonText() throws -> String { String(decoding: try json(), as: UTF8.self) }
}
