import SinkAnalysis
import Support
import ActivationStore
import Foundation
import LinearAlgebra

/// Side-by-side timing of SinkScope's PCA and logistic probe against scikit-learn on the same
/// float32 matrices (issue 5's benchmark; not a test).
///
/// SinkScope generates each seeded data set, times its own fit, writes the matrices as `.npy`,
/// then runs `scripts/bench_probes.py` once (same BLAS thread count) to time scikit-learn on
/// the same files. Timing rule on both sides: repeat until 1 s is spent or 3 runs, keep the best.
///
///     let rows = try ProbeBenchmark.run(ProbeBenchmark.Options(script: url))
///     print(ProbeBenchmark.table(rows))
public enum ProbeBenchmark {
    public enum Kind: String, Sendable, Codable { case pcaExact = "pca-exact", pcaRandomized = "pca-randomized", logistic }

    public struct Case: Sendable, Codable, Equatable {
        public var kind: Kind
        public var rows: Int
        public var features: Int
        /// PCA components or logistic classes.
        public var size: Int
        public var name: String { "\(kind.rawValue) \(rows)x\(features)" }
    }

    /// The issue's cases: PCA (exact and randomized, 32 components) on 20000x384, 100000x384,
    /// 50000x1024; a 10-class logistic probe on 20000x384 and 100000x1024. `scale` divides n.
    public static func standardCases(scale: Int = 1) -> [Case] {
        let s = max(scale, 1)
        var cases: [Case] = []
        for (n, d) in [(20000, 384), (100_000, 384), (50000, 1024)] {
            cases.append(Case(kind: .pcaExact, rows: n / s, features: d, size: 32))
            cases.append(Case(kind: .pcaRandomized, rows: n / s, features: d, size: 32))
        }
        for (n, d) in [(20000, 384), (100_000, 1024)] { cases.append(Case(kind: .logistic, rows: n / s, features: d, size: 10)) }
        return cases
    }

    public struct Options: Sendable {
        public var cases: [Case]
        /// `scripts/bench_probes.py`; nil skips the scikit-learn side.
        public var script: URL?
        public var python: String
        public var threads: Int
        public var workDirectory: URL
        public var seed: UInt64
        public var showProgress: Bool

        public init(cases: [Case] = ProbeBenchmark.standardCases(), script: URL?, python: String = "python3",
                    threads: Int = 2, workDirectory: URL = FileManager.default.temporaryDirectory
                        .appendingPathComponent("sinkscope-bench-probes"), seed: UInt64 = 0, showProgress: Bool = true) {
            self.cases = cases; self.script = script; self.python = python; self.threads = threads
            self.workDirectory = workDirectory; self.seed = seed; self.showProgress = showProgress
        }
    }

    /// One line of the table: times in seconds, ratio = SinkScope / scikit-learn (< 1 is faster).
    public struct Row: Sendable, Codable, Equatable {
        public var name: String
        public var sinkscopeSeconds: Double
        public var sklearnSeconds: Double?
        /// Which scikit-learn solver the ratio is against (the fastest exact one for exact PCA).
        public var sklearnSolver: String?
        public var ratio: Double? { sklearnSeconds.map { sinkscopeSeconds / $0 } }
        /// Explained-variance-ratio sum (PCA) or held-out accuracy (logistic), both sides.
        public var sinkscopeQuality: Double
        public var sklearnQuality: Double?
        public var note: String
    }

    /// Runs every case; see the type's documentation. The scikit-learn side runs right after
    /// SinkScope on each data set, so both see the same machine load.
    public static func run(_ options: Options) throws -> [Row] {
        BLASThreads.set(options.threads)
        try FileManager.default.createDirectory(at: options.workDirectory, withIntermediateDirectories: true)
        let bar = ProgressBar(total: options.cases.count, unit: "cases", label: "bench probes", enabled: options.showProgress)
        var rows: [Row] = []
        let shapes = options.cases.map { [$0.rows, $0.features] }.reduce(into: [[Int]]()) { if !$0.contains($1) { $0.append($1) } }
        for shape in shapes {
            let (x, y) = syntheticData(rows: shape[0], features: shape[1], seed: options.seed &+ UInt64(shape[0] * 7 + shape[1]))
            let stem = options.workDirectory.appendingPathComponent("x\(shape[0])x\(shape[1])")
            let xURL = stem.appendingPathExtension("npy"), yURL = URL(fileURLWithPath: stem.path + "-labels.npy")
            var shapeRows: [Row] = [], plan: [[String: Any]] = []
            for c in options.cases where c.rows == shape[0] && c.features == shape[1] {
                shapeRows.append(try timeSinkScope(c, x, y, seed: options.seed))
                plan.append(planEntry(c, xURL, yURL))
                bar.advance()
            }
            if let script = options.script {
                try NPYWriter.write(float32: x.values, shape: shape, to: xURL)
                try NPYWriter.write(int64: y, shape: [y.count], to: yURL)
                try attachScikitLearn(&shapeRows, plan: plan, script: script, options: options)
                try? FileManager.default.removeItem(at: xURL)
                try? FileManager.default.removeItem(at: yURL)
            }
            rows += shapeRows
        }
        bar.finish()
        return rows
    }

    // MARK: - SinkScope side

    static let logisticSettings = (c: 1.0, maxIterations: 100, tolerance: 1e-4)

    private static func timeSinkScope(_ c: Case, _ x: Matrix, _ y: [Int], seed: UInt64) throws -> Row {
        switch c.kind {
        case .pcaExact, .pcaRandomized:
            let pca = PCA(components: c.size, method: c.kind == .pcaExact ? .exact : .randomized, seed: seed)
            let (seconds, fitted) = try bestTime { try pca.fit(x) }
            return Row(name: c.name, sinkscopeSeconds: seconds, sinkscopeQuality: fitted.explainedVarianceRatio.reduce(0, +),
                       note: "\(c.size) components")
        case .logistic:
            let train = c.rows * 4 / 5
            let xTrain = Matrix(rows: train, cols: c.features, values: Array(x.values[0..<(train * c.features)]))
            let xTest = Matrix(rows: c.rows - train, cols: c.features, values: Array(x.values[(train * c.features)...]))
            let probe = LogisticProbe(c: logisticSettings.c, maxIterations: logisticSettings.maxIterations,
                                      tolerance: logisticSettings.tolerance)
            let (seconds, fitted) = try bestTime { try probe.fit(xTrain, Array(y[0..<train]), classes: c.size) }
            let accuracy = try fitted.score(xTest, Array(y[train...])).accuracy
            return Row(name: c.name, sinkscopeSeconds: seconds, sinkscopeQuality: accuracy,
                       note: "\(fitted.iterations) iterations, \(fitted.evaluations) evaluations (\(fitted.stopReason))")
        }
    }

    private static func bestTime<T>(_ body: () throws -> T) throws -> (Double, T) {
        var best = Double.infinity, spent = 0.0, runs = 0
        var result: T? = nil
        while runs < 3 && (runs == 0 || spent < 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            result = try body()
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            best = min(best, elapsed); spent += elapsed; runs += 1
        }
        return (best, result!)
    }

    // MARK: - scikit-learn side

    private static func planEntry(_ c: Case, _ x: URL, _ y: URL) -> [String: Any] {
        var entry: [String: Any] = ["name": c.name, "x": x.path, "y": y.path]
        switch c.kind {
        case .pcaExact: entry.merge(["kind": "pca", "components": c.size, "solvers": ["covariance_eigh", "full"]]) { $1 }
        case .pcaRandomized: entry.merge(["kind": "pca", "components": c.size, "solvers": ["randomized"]]) { $1 }
        case .logistic:
            entry.merge(["kind": "logistic", "train": c.rows * 4 / 5, "C": logisticSettings.c,
                         "max_iter": logisticSettings.maxIterations, "tol": logisticSettings.tolerance]) { $1 }
        }
        return entry
    }

    private static func attachScikitLearn(_ rows: inout [Row], plan: [[String: Any]], script: URL, options: Options) throws {
        let planURL = options.workDirectory.appendingPathComponent("plan.json")
        try JSONSerialization.data(withJSONObject: plan).write(to: planURL)
        let threads = "\(options.threads)"
        let run = try Subprocess(
            options.python, [script.path, planURL.path],
            environment: ["OPENBLAS_NUM_THREADS": threads, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads]
        ).run()
        guard run.status == 0 else {
            throw ProbeError.invalidParameter(name: "scikit-learn benchmark", value: "exit \(run.status)",
                                              allowed: "a working `\(options.python) \(script.path)` (numpy and scikit-learn installed)")
        }
        let lines = run.stdout.split(separator: "\n")
        for (i, line) in lines.enumerated() where i < rows.count {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            var best: (String, Double, Double)? = nil
            for solver in ["covariance_eigh", "full", "randomized", "lbfgs"] {
                guard let r = object[solver] as? [String: Any], let s = r["seconds"] as? Double else { continue }
                let quality = (r["ratio_sum"] as? Double) ?? (r["accuracy"] as? Double) ?? .nan
                if best == nil || s < best!.1 { best = (solver, s, quality) }
                if solver != "lbfgs" { rows[i].note += "; sklearn \(solver) \(String(format: "%.3f", s)) s" }
                if let iterations = r["iterations"] as? Int { rows[i].note += "; sklearn \(iterations) iterations" }
            }
            if let best { rows[i].sklearnSolver = best.0; rows[i].sklearnSeconds = best.1; rows[i].sklearnQuality = best.2 }
        }
    }

    // MARK: - Report

    /// A fixed-width table: case, both times, ratio, both quality numbers, notes.
    public static func table(_ rows: [Row]) -> String {
        func f(_ v: Double?, _ digits: Int = 3) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        var lines = ["case                          sinkscope s   sklearn s   ratio  quality (ours / sklearn)   notes"]
        for r in rows {
            let name = r.name.padding(toLength: 30, withPad: " ", startingAt: 0)
            let ours = f(r.sinkscopeSeconds).leftPadded(11), theirs = f(r.sklearnSeconds).leftPadded(11)
            let ratio = (r.ratio.map { String(format: "%.2fx", $0) } ?? "-").leftPadded(7)
            let quality = "\(f(r.sinkscopeQuality, 4)) / \(f(r.sklearnQuality, 4))".padding(toLength: 25, withPad: " ", startingAt: 0)
            lines.append("\(name)\(ours) \(theirs) \(ratio)  \(quality)  \(r.sklearnSolver.map { "vs \($0); " } ?? "")\(r.note)")
        }
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
