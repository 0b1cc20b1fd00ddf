import Foundation
import Support

extension ExtractBenchmark.Result {
    /// Best SinkScope images/s ÷ best `mode` images/s (above 1: SinkScope is faster).
    public func ratio(to mode: TransformersMode) -> Double? {
        guard let mine = sinkscope.max(), let run = transformers.first(where: { $0.mode == mode }), let best = run.rates.max(), best > 0 else {
            return nil
        }
        return mine / best
    }

    /// Best SinkScope whole-process images/s ÷ best whole-process `mode` images/s.
    public func wholeProcessRatio(to mode: TransformersMode) -> Double? {
        guard let mine = wholeProcess.max(), let run = transformers.first(where: { $0.mode == mode }), let best = run.wholeProcess.max(),
              best > 0 else { return nil }
        return mine / best
    }
}

extension ExtractBenchmark {
    /// The result as a small table: one row per side with its best images/s, the ratio SinkScope / side,
    /// the fraction of the GEMM limit and the peak memory.
    public static func table(_ r: Result) -> String {
        // Three significant digits: a real-size tower at 448x448 runs at a few hundredths of an image per second.
        func rate(_ v: Double) -> String {
            String(format: v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : v >= 1 ? "%.2f" : "%.3g", v)
        }
        func rounds(_ v: [Double]) -> String { v.map(rate).joined(separator: ", ") }
        func fraction(_ v: [Double]) -> String {
            guard let limit = r.gemmLimit, let best = v.max() else { return "" }
            return String(format: "%.0f %%", 100 * limit.fraction(of: best))
        }
        func row(_ side: String, _ v: [Double], ratio: Double?, peak: Double?, note: String = "") -> String {
            guard let best = v.max() else { return side.padding(toLength: 26, withPad: " ", startingAt: 0) + "not run" }
            let cells = [side.padding(toLength: 26, withPad: " ", startingAt: 0),
                         rate(best).padding(toLength: 10, withPad: " ", startingAt: 0),
                         (ratio.map { String(format: "%.2fx", $0) } ?? "—").padding(toLength: 10, withPad: " ", startingAt: 0),
                         fraction(v).padding(toLength: 10, withPad: " ", startingAt: 0),
                         (peak.map { String(format: "%.0f MiB", $0) } ?? "—").padding(toLength: 11, withPad: " ", startingAt: 0)]
            return cells.joined() + "rounds: " + rounds(v) + note
        }
        var lines = [
            "model \(r.model)\(r.inputSize.map { " at \($0)" } ?? ""), \(r.images) images, batch \(r.batch), \(r.threads) threads; every block output returned",
            "side".padding(toLength: 26, withPad: " ", startingAt: 0) + "images/s  SinkScope/ GEMM-limit peak mem",
            row("SinkScope", r.sinkscope, ratio: nil, peak: r.sinkscopePeakResidentMiB),
        ]
        if !r.wholeProcess.isEmpty {
            lines.append(row("SinkScope whole process", r.wholeProcess, ratio: nil, peak: nil,
                             note: "; a child sinkscope extract\(r.attention == true ? " --attention" : ""): loading, decoding, f16 store writes included"))
        }
        for run in r.transformers {
            let side = run.mode == .eager ? "transformers eager+attn" : "transformers sdpa"
            lines.append(row(side, run.rates, ratio: r.ratio(to: run.mode), peak: run.peakResidentMiB,
                             note: "; \(run.hiddenStates) hidden states, \(run.attentions) attention blocks"))
        }
        for run in r.transformers where !r.wholeProcess.isEmpty {
            let side = run.mode == .eager ? "transformers eager whole" : "transformers sdpa whole"
            if let reason = run.wholeProcessSkipped {
                lines.append(side.padding(toLength: 26, withPad: " ", startingAt: 0) + "not run: " + reason)
            } else if !run.wholeProcess.isEmpty {
                let writes = run.mode == .eager ? "f16 hidden states and received attention" : "f16 hidden states"
                lines.append(row(side, run.wholeProcess, ratio: r.wholeProcessRatio(to: run.mode), peak: run.wholeProcessPeakMiB,
                                 note: "; a child python script: imports, loading, PIL decoding, \(writes) to safetensors (no fsync); ratio against SinkScope's whole process"))
            }
        }
        if !r.onnxruntime.isEmpty || r.transformers.isEmpty {
            lines.append(row("onnxruntime", r.onnxruntime, ratio: r.speedRatio, peak: nil,
                             note: r.onnxruntimeVersion.map { " [onnxruntime \($0)]" } ?? ""))
        }
        if let limit = r.gemmLimit {
            let rates = r.gemmLimitProbes.map(\.gigaflopsPerSecond)
            let probes = rates.count > 1
                ? String(format: "the fastest of %d probes, which read %.0f–%.0f GFLOP/s", rates.count, rates.min()!, rates.max()!) : "this run"
            lines.append(String(format: "GEMM limit   %@ images/s: %.2f GFLOP of matrix products per image at %.1f GFLOP/s (sgemm on the forward's shapes, %d threads, %@)",
                                rate(limit.imagesPerSecond), limit.flopsPerImage / 1e9, limit.gigaflopsPerSecond, limit.threads, probes))
        }
        if !r.localFractions.isEmpty {
            func percents(_ v: [Double]) -> String {
                v.map { String(format: "%.0f %%", 100 * $0) }.joined(separator: ", ") + String(format: " (median %.0f %%)", 100 * median(v))
            }
            lines.append("SinkScope against the limit probed just before and after each run: forward " + percents(r.localFractions)
                         + (r.wholeProcessLocalFractions.isEmpty ? "" : "; whole process " + percents(r.wholeProcessLocalFractions)))
        }
        if let path = r.vectorPath { lines.append("SinkScope's elementwise loops (softmax, layer norm, MLP nonlinearity): \(path)") }
        if let source = r.sinkscopePeakSource { lines.append("SinkScope peak memory: \(source); Python sides: ru_maxrss of their process, loading included") }
        if let v = r.transformers.first?.versions, !v.isEmpty { lines.append("[\(v)]") }
        for count in r.peakResidentMiB.keys.sorted(by: { Int($0)! < Int($1)! }) {
            lines.append(String(format: "peak resident memory, extract of %@ images: %.0f MiB", count, r.peakResidentMiB[count]!))
        }
        return lines.joined(separator: "\n")
    }
}
