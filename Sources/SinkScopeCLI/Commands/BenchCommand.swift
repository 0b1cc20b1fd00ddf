import Benchmarks
import ArgumentParser

/// `sinkscope bench ...`: speed benchmarks against reference implementations, measured side by
/// side in one run. Each benchmark is a subcommand in its own file.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time SinkScope against reference implementations on the same inputs.",
        discussion: """
            Benchmarks print each time and the ratio (SinkScope / reference; below 1 is faster). \
            Build with `swift build -c release` first: debug builds are much slower.

            Example:
              .build/release/sinkscope bench probes --threads 2
            """,
        subcommands: [BenchProbesCommand.self, BenchPlotsCommand.self, BenchExtractCommand.self]
    )
}
