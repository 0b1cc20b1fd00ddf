import Benchmarks
import ArgumentParser
import Foundation
import Plotting

/// `sinkscope bench plots`: the report's figure set drawn by Plotting (libgd) vs matplotlib.
struct BenchPlotsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plots",
        abstract: "Time the 30 figures of a 13-layer report: Plotting (libgd) vs matplotlib (Agg).",
        discussion: """
            Writes synthetic report data as raw float32 files, draws 13 norm histograms, 13 heatmap \
            overlays, a probe line chart, a PCA scatter, a CKA matrix and a bar chart with Plotting, \
            then runs scripts/bench_plots.py on the same files, and prints both times and the ratio. \
            Both sides' PNGs stay in --out for comparison. Use a release build.

            Example:
              swift build -c release && .build/release/sinkscope bench plots \\
                --script scripts/bench_plots.py
            """)

    @Option(help: "Directory for the data files and both sides' PNGs.")
    var out: String = NSTemporaryDirectory() + "sinkscope-bench-plots"

    @Option(help: "The matplotlib script that draws the same figures.")
    var script: String = "scripts/bench_plots.py"

    @Option(help: "Python interpreter with numpy and matplotlib.")
    var python: String = "python3"

    @Option(help: "Runs per side; the fastest one counts.")
    var repeats: Int = 3

    @Option(help: "zlib level of the Swift side's PNGs (default: the level every chart uses; matplotlib uses 6).")
    var compression: Int = ChartStyle().compression

    @Flag(help: "Time the Swift side only (no Python needed).")
    var swiftOnly = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard (1...20).contains(repeats) else { throw ValidationError("--repeats \(repeats) must be in 1...20.") }
        guard (0...9).contains(compression) else { throw ValidationError("--compression \(compression) must be in 0...9.") }
        if !swiftOnly && !FileManager.default.fileExists(atPath: script) {
            throw ValidationError("--script \(script) does not exist; run from the repository root or pass --swift-only.")
        }
    }

    func run() throws {
        let config = PlotBenchmark.Configuration(
            directory: URL(fileURLWithPath: out), matplotlibScript: swiftOnly ? nil : URL(fileURLWithPath: script),
            python: python, repeats: repeats, compression: compression)
        print(try PlotBenchmark.run(config).text(json: json))
    }
}

extension PlotBenchmark.Result: CommandOutput {
    var tableText: String {
        let perFigure = { (t: Double) in 1000 * t / Double(max(1, figures)) }
        var lines = [
            "figures:    \(figures) (PNGs in \(directory)/swift and /matplotlib)",
            String(format: "plotting:   %.3f s wall, %.3f s CPU (%.1f ms CPU per figure, %d KB)",
                   swiftSeconds, swiftCPUSeconds, perFigure(swiftCPUSeconds), swiftBytes / 1024),
        ]
        if let m = matplotlibSeconds, let mc = matplotlibCPUSeconds, let s = speedup, let sc = cpuSpeedup {
            lines.append(String(format: "matplotlib: %.3f s wall, %.3f s CPU (%.1f ms CPU per figure, %d KB)", m, mc, perFigure(mc),
                                (matplotlibBytes ?? 0) / 1024))
            lines.append(String(format: "speedup:    %.1fx wall, %.1fx CPU (target >= 10x: %@)", s, sc,
                                min(s, sc) >= 10 ? "met" : "not met"))
        }
        return lines.joined(separator: "\n")
    }

    func jsonText() throws -> String { try CommandJSON.text(self) }
}
