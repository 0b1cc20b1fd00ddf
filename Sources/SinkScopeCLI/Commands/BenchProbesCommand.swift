import Benchmarks
import ArgumentParser
import Foundation
import SinkAnalysis

/// `sinkscope bench probes`: PCA and logistic probes against scikit-learn on the same matrices.
struct BenchProbesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probes",
        abstract: "Time PCA (exact, randomized) and a logistic probe against scikit-learn.",
        discussion: """
            Generates seeded float32 matrices (PCA with 32 components on 20000x384, 100000x384 and \
            50000x1024; a 10-class logistic probe on 20000x384 and 100000x1024), times SinkScope, \
            writes the matrices as .npy and runs scripts/bench_probes.py on the same files with the \
            same number of BLAS threads. Needs python3 with numpy and scikit-learn.

            Example:
              .build/release/sinkscope bench probes --threads 2 --json
            """)

    @Option(help: "BLAS threads for both sides.")
    var threads: Int = 2

    @Option(help: "Divide every case's row count by this (e.g. 10 for a quick look).")
    var scale: Int = 1

    @Option(help: "The scikit-learn side's script.")
    var script: String = "scripts/bench_probes.py"

    @Option(help: "Python interpreter with numpy and scikit-learn.")
    var python: String = "python3"

    @Flag(help: "Skip scikit-learn; time SinkScope only.")
    var noSklearn = false

    @Option(help: "Only these cases: comma-separated kinds (pca-exact, pca-randomized, logistic).")
    var only: String?

    @Option(help: "Seed of the generated matrices.")
    var seed: UInt64 = 0

    @Flag(help: "Print the rows as JSON instead of a table.")
    var json = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
        guard scale >= 1 else { throw ValidationError("--scale must be at least 1, got \(scale).") }
        if let only, let bad = only.split(separator: ",").first(where: { ProbeBenchmark.Kind(rawValue: String($0)) == nil }) {
            throw ValidationError("--only: unknown case kind '\(bad)'; use pca-exact, pca-randomized or logistic.")
        }
        if !noSklearn, !FileManager.default.fileExists(atPath: script) {
            throw ValidationError("the scikit-learn script \(script) does not exist; run from the repository root, pass --script, or use --no-sklearn.")
        }
    }

    func run() throws {
        var options = ProbeBenchmark.Options(
            cases: ProbeBenchmark.standardCases(scale: scale).filter { c in
                only.map { $0.split(separator: ",").contains(Substring(c.kind.rawValue)) } ?? true
            },
            script: noSklearn ? nil : URL(fileURLWithPath: script), python: python, threads: threads, seed: seed)
        options.showProgress = EnvironmentSettings.showsProgress(quiet: false)
        let rows = try ProbeBenchmark.run(options)
        print(try rows.text(json: json))
    }
}

extension Array: CommandOutput where Element == ProbeBenchmark.Row {
    var tableText: String { ProbeBenchmark.table(self) }
    func jsonText() throws -> String { try CommandJSON.text(self) }
}
