import Plotting
import Support
import Foundation

/// Times the figure set of a 13-layer report drawn by Plotting against the same figures drawn
/// by matplotlib (`scripts/bench_plots.py`, Agg backend) from the same data files. A benchmark,
/// not a test: run it from a release build (`sinkscope bench plots`).
public enum PlotBenchmark {
    public struct Configuration: Sendable {
        /// Holds `data/`, `swift/` and `matplotlib/` (the PNGs of both sides, to compare by eye).
        public var directory: URL
        /// nil: time the Swift side only.
        public var matplotlibScript: URL?
        public var python: String
        /// Each side is timed this many times; the fastest run counts (less noise from a shared machine).
        public var repeats: Int
        public var seed: UInt64
        /// zlib level of the Swift side's PNGs (default: the charts' own; matplotlib writes level 6
        /// through Pillow, and the sizes of both sides are reported).
        public var compression: Int

        public init(directory: URL = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("sinkscope-bench-plots"),
                    matplotlibScript: URL? = nil, python: String = "python3", repeats: Int = 3, seed: UInt64 = 0,
                    compression: Int = ChartStyle().compression) {
            self.directory = directory
            self.matplotlibScript = matplotlibScript
            self.python = python
            self.repeats = repeats
            self.seed = seed
            self.compression = compression
        }
    }

    public struct Result: Sendable, Codable, Equatable {
        public var figures: Int
        /// Fastest wall time to build, render and write every figure.
        public var swiftSeconds: Double
        /// Process CPU time of that run (robust to other jobs on a shared machine).
        public var swiftCPUSeconds: Double
        public var swiftBytes: Int
        public var matplotlibSeconds: Double?
        public var matplotlibCPUSeconds: Double?
        /// Total size of matplotlib's PNGs.
        public var matplotlibBytes: Int?
        /// matplotlib wall time / Swift wall time.
        public var speedup: Double?
        /// matplotlib CPU time / Swift CPU time.
        public var cpuSpeedup: Double?
        public var directory: String
    }

    /// Writes the data, times both sides, and returns the times and their ratio.
    /// - Throws: `PlottingError` when drawing fails, or `SubprocessError` when the
    ///   matplotlib script exits non-zero or prints no timing.
    public static func run(_ c: Configuration) throws -> Result {
        guard (1...20).contains(c.repeats) else {
            throw PlottingError.invalidParameter(name: "repeats", value: "\(c.repeats)", expected: "1...20")
        }
        guard (0...9).contains(c.compression) else {
            throw PlottingError.invalidParameter(name: "compression", value: "\(c.compression)", expected: "a zlib level 0...9")
        }
        let data = BenchmarkData.synthetic(seed: c.seed)
        let dataDir = c.directory.appendingPathComponent("data"), swiftDir = c.directory.appendingPathComponent("swift")
        try data.write(to: dataDir)
        try FileManager.default.createDirectory(at: swiftDir, withIntermediateDirectories: true)
        var best = Double.infinity, bestCPU = Double.infinity, bytes = 0, count = 0
        for _ in 0..<c.repeats {
            let start = ContinuousClock.now, cpuStart = cpuSeconds()
            let figures = try data.figures(compression: c.compression)
            bytes = 0
            for (name, chart) in figures {
                let png = try chart.render()
                try writeAtomically(png, to: swiftDir.appendingPathComponent(name))
                bytes += png.count
            }
            best = min(best, seconds(ContinuousClock.now - start))
            bestCPU = min(bestCPU, cpuSeconds() - cpuStart)
            count = figures.count
        }
        var result = Result(figures: count, swiftSeconds: best, swiftCPUSeconds: bestCPU, swiftBytes: bytes,
                            directory: c.directory.path)
        if let script = c.matplotlibScript {
            let mpl = try runMatplotlib(script: script, python: c.python, data: dataDir,
                                        out: c.directory.appendingPathComponent("matplotlib"), repeats: c.repeats)
            result.matplotlibSeconds = mpl.seconds
            result.matplotlibCPUSeconds = mpl.cpuSeconds
            result.matplotlibBytes = directoryBytes(c.directory.appendingPathComponent("matplotlib"))
            result.speedup = mpl.seconds / best
            result.cpuSpeedup = mpl.cpuSeconds / bestCPU
        }
        return result
    }

    /// Total size of the PNG files in `directory`.
    static func directoryBytes(_ directory: URL) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".png") }.reduce(0) { total, name in
            let size = (try? FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(name).path)[.size]) as? Int
            return total + (size ?? 0)
        }
    }

    /// CPU time of this process so far (all threads).
    static func cpuSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Runs the script and reads the `{"seconds": ..., "cpu_seconds": ...}` line it prints last.
    static func runMatplotlib(script: URL, python: String, data: URL, out: URL, repeats: Int) throws
        -> (seconds: Double, cpuSeconds: Double)
    {
        struct Timing: Decodable {
            var seconds: Double
            var cpu_seconds: Double
        }
        let timing = try Subprocess(python, [script.path, "--data", data.path, "--out", out.path, "--repeats", "\(repeats)"])
            .runJSON(Timing.self)
        return (timing.seconds, timing.cpu_seconds)
    }
}
