import Foundation
import Support
import VisionModels

/// The transformers side of `bench extract`: scripts/bench_transformers.py run on the same pixel file,
/// one child process per mode and round, so each mode's peak memory is its own.
public enum TransformersMode: String, Sendable, Codable, CaseIterable {
    /// attn_implementation "eager", output_hidden_states and output_attentions: what a user must run to
    /// get every block's hidden states and attention (SinkScope --attention returns the attention's column sums).
    case eager
    /// attn_implementation "sdpa", output_hidden_states only: transformers' fastest CPU path, without attention.
    case sdpa
}

/// One mode's measurements over the rounds.
public struct TransformersRun: Sendable, Codable, Equatable {
    public var mode: TransformersMode
    /// images/s of each round.
    public var rates: [Double] = []
    /// The largest ru_maxrss of the mode's processes (loading included), MiB.
    public var peakResidentMiB: Double = 0
    public var loadSeconds: Double = 0
    /// Hidden states and attention tensors (blocks) one forward returned.
    public var hiddenStates: Int = 0
    public var attentions: Int = 0
    public var versions = ""
    /// images/s of each round's whole-process run (scripts/bench_transformers_process.py, launch to exit).
    public var wholeProcess: [Double] = []
    /// The largest ru_maxrss of the whole-process runs, MiB.
    public var wholeProcessPeakMiB: Double = 0
    /// Why the whole-process run stopped being tried (the script's one sentence), nil while it runs.
    public var wholeProcessSkipped: String?

    public init(mode: TransformersMode) { self.mode = mode }
}

extension TransformersRun {
    /// Runs one timed round of `script` on `pixels` [images, 3, H, W] and adds it to this run.
    /// - Throws: `ModelError.badInput` when the script fails or prints no rate.
    mutating func round(python: String, script: URL, model: URL, pixels: URL, images: Int, size: InputSize, batch: Int, threads: Int,
                        saveLast: URL? = nil) throws {
        let json = try ExtractBenchmark.runJSON(python, [
            script.path, "--model", model.path, "--pixels", pixels.path, "--images", "\(images)", "--height", "\(size.height)",
            "--width", "\(size.width)", "--batch", "\(batch)", "--threads", "\(threads)", "--mode", mode.rawValue]
            + (saveLast.map { ["--save-last", $0.path] } ?? []))
        guard let rate = json["images_per_second"] as? Double else {
            throw ModelError.badInput(reason: "\(script.path) printed no images_per_second")
        }
        rates.append(rate)
        peakResidentMiB = max(peakResidentMiB, json["peak_rss_mib"] as? Double ?? 0)
        loadSeconds = json["load_seconds"] as? Double ?? 0
        hiddenStates = json["hidden_states"] as? Int ?? 0
        attentions = json["attentions"] as? Int ?? 0
        versions = "torch \(json["torch"] as? String ?? "?"), transformers \(json["transformers"] as? String ?? "?")"
    }

    /// Runs `script` (scripts/bench_transformers_process.py) as a whole process over the image folder
    /// `images` and adds its images/s, timed from launch to exit as the child `sinkscope extract` is:
    /// imports, loading, decoding and preprocessing, the forwards and the safetensors writes. Its output
    /// folder is removed afterwards.
    ///
    /// `imageSize` (`--image-size`) is passed on: the script then resizes every image to exactly that
    /// size, as `extract --image-size` does.
    ///
    /// A folder the script does not cover (a tower without processor settings and without a default for its
    /// architecture) makes it exit with one sentence: that goes into `wholeProcessSkipped` and later rounds skip it,
    /// so the rest of the bench still runs.
    /// - Throws: when the script cannot be launched, or succeeds without printing its JSON line.
    mutating func wholeProcessRound(python: String, script: URL, model: URL, images: URL, count: Int, batch: Int, threads: Int,
                                    imageSize: InputSize? = nil) throws {
        guard wholeProcessSkipped == nil else { return }
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-bench-transformers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let start = Date()
        let run = try Subprocess(python, [
            script.path, "--model", model.path, "--images", images.path, "--out", out.path, "--batch", "\(batch)",
            "--threads", "\(threads)", "--mode", mode.rawValue] + (imageSize.map { ["--image-size", $0.description] } ?? [])).run()
        let seconds = Date().timeIntervalSince(start)
        guard run.status == 0 else {
            wholeProcessSkipped = run.lastErrorLine.isEmpty ? "\(script.lastPathComponent) exited with status \(run.status)" : run.lastErrorLine
            return
        }
        let line = run.stdout.split(separator: "\n").last.map(String.init) ?? ""
        guard let json = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any], json["images"] as? Int == count else {
            throw ModelError.badInput(reason: "\(script.path) did not report \(count) images: \(line)")
        }
        wholeProcess.append(Double(count) / seconds)
        wholeProcessPeakMiB = max(wholeProcessPeakMiB, json["peak_rss_mib"] as? Double ?? 0)
    }

    /// True when `python` imports torch and transformers (the default of --transformers).
    public static func available(python: String) -> Bool {
        (try? Subprocess(python, ["-c", "import torch, transformers"]).run().status) == 0
    }
}
