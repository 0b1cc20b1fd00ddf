import Benchmarks
import ArgumentParser
import Foundation
import VisionModels

/// `sinkscope bench extract`: SinkScope's forward against transformers (CPU) and onnxruntime, the GEMM limit, and memory.
struct BenchExtractCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract",
        abstract: "Time SinkScope's ViT forward against transformers and onnxruntime on the CPU, and measure memory.",
        discussion: """
            Every side runs the same model on the same preprocessed photos (the cache's sample \
            photos, cycled, written once to a pixel file), with the same batch size and thread count, \
            and returns every block's output. transformers runs scripts/bench_transformers.py on the \
            local model folder twice per round, each in its own process: eager with \
            output_attentions (what a user must run to get what SinkScope's --attention gives) and \
            sdpa without attention. onnxruntime (built-in DINOv2 only) runs \
            scripts/bench_onnxruntime.py on the ONNX file truncated after the last block. Rounds \
            alternate the sides; the best round of each is compared. The GEMM limit is the time the \
            forward's matrix products alone take at the sgemm rate measured on their shapes in the \
            same run, probed before and after each of SinkScope's runs; each side's best images/s is \
            printed as a fraction of the fastest probe, and each SinkScope run also as a fraction of \
            the two probes around it (a shared host's sgemm rate drifts from minute to minute). \
            Every round also times \
            `sinkscope extract` as a child process over the same images ("whole process": model \
            loading, decoding, the forwards and the f16 store writes), which is what a user waits \
            for; each transformers mode also runs that way, as \
            scripts/bench_transformers_process.py over the same image files (imports, loading, PIL \
            decoding with the folder's processor, resized to --image-size or Qwen2.5-VL's one grid as \
            extract resizes, the base tile where LLaVA-NeXT's, OneVision's or InternVL's processor \
            also cuts tiles, the forwards, f16 hidden states and received attention written as \
            safetensors: the script a user would write), and the table compares \
            whole process with whole process. SinkScope's softmax and MLP nonlinearities run with AVX2 + FMA where the CPU has \
            them (the table names the path); SINKSCOPE_VECTOR_BASELINE=1 in the environment times \
            the baseline SSE2 loops instead. Then `sinkscope extract \
            --attention` runs as a child process over 50 and 200 images: its peak resident memory \
            is SinkScope's, and should not grow; the Python sides report their ru_maxrss. \
            transformers is on by default when --python imports torch and transformers. Needs a \
            release build.

            Example:
              .build/release/sinkscope bench extract --threads 2 --images 16 --rounds 2 --attention --python .venv/bin/python
              .build/release/sinkscope bench extract --model models/qwen2.5-vl-3b-tower \\
                --image-size 448x448 --attention --no-onnxruntime --images 2 --rounds 1 --memory 2 --python .venv/bin/python
            """)

    @Option(help: "dinov2-small (built in; the only model compared with onnxruntime) or a local model folder.")
    var model: String = ModelResolver.builtInName

    @Option(help: ArgumentHelp("One input size for every image, as extract --image-size (e.g. 448x448).", valueName: "HxW"))
    var imageSize: InputSize?

    @Flag(help: "Also capture received attention (and a merger's output) in the timed forwards, as extract --attention.")
    var attention = false

    @Option(help: "Images per timing round.")
    var images: Int = 32

    @Option(help: "Images per forward pass (both sides).")
    var batch: Int = 8

    @Option(help: "Threads for both sides (OpenBLAS and workers; onnxruntime intra-op threads).")
    var threads: Int = 2

    @Option(help: "Timing rounds per side.")
    var rounds: Int = 3

    @Option(help: "A directory of photos (default: the cache's sample photos).")
    var photos: String?

    @Option(help: "The onnxruntime side's script.")
    var script: String = "scripts/bench_onnxruntime.py"

    @Option(help: "Python interpreter with numpy, onnx and onnxruntime, and torch and transformers for the transformers side.")
    var python: String = "python3"

    @Option(help: "The transformers side's script.")
    var transformersScript: String = "scripts/bench_transformers.py"

    @Option(help: "The transformers side's whole-process script (run in every round unless --no-whole-process).")
    var transformersProcessScript: String = "scripts/bench_transformers_process.py"

    @Flag(inversion: .prefixedNo, help: "Time transformers on the CPU (eager with attentions, and sdpa); default: on when --python imports torch and transformers.")
    var transformers: Bool?

    @Option(help: "Image counts for the memory runs, comma-separated.")
    var memory: String = "50,200"

    @Flag(help: "Skip onnxruntime; time SinkScope only.")
    var noOnnxruntime = false

    @Flag(help: "Skip the memory runs.")
    var noMemory = false

    @Flag(help: "Skip the whole-process runs (a child `sinkscope extract`, and the transformers script per mode, over the same images in every round).")
    var noWholeProcess = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        guard images >= 1, batch >= 1, threads >= 1, rounds >= 1 else {
            throw ValidationError("--images, --batch, --threads and --rounds must be at least 1.")
        }
        guard memoryCounts != nil else { throw ValidationError("--memory must be comma-separated image counts such as 50,200; got '\(memory)'.") }
        if !noOnnxruntime, model != ModelResolver.builtInName {
            throw ValidationError("onnxruntime is compared only on the built-in \(ModelResolver.builtInName); add --no-onnxruntime to time \(model) alone.")
        }
        if !noOnnxruntime, !FileManager.default.fileExists(atPath: script) {
            throw ValidationError("the onnxruntime script \(script) does not exist; run from the repository root, pass --script, or use --no-onnxruntime.")
        }
    }

    /// Whether the transformers side runs: as asked, else when the interpreter has torch and transformers.
    func transformersEnabled() throws -> Bool {
        let available = TransformersRun.available(python: python)
        if transformers == true, !available {
            throw ValidationError("--transformers needs torch and transformers, which \(python) cannot import; pass --python .venv/bin/python (scripts/setup-python.sh makes it) or --no-transformers.")
        }
        if transformers == nil, !available {
            FileHandle.standardError.write(Data("[bench] \(python) cannot import torch and transformers, so transformers is not timed (pass --python).\n".utf8))
        }
        guard transformers ?? available else { return false }
        guard FileManager.default.fileExists(atPath: transformersScript) else {
            throw ValidationError("the transformers script \(transformersScript) does not exist; run from the repository root, pass --transformers-script, or use --no-transformers.")
        }
        guard noWholeProcess || FileManager.default.fileExists(atPath: transformersProcessScript) else {
            throw ValidationError("the transformers whole-process script \(transformersProcessScript) does not exist; run from the repository root, pass --transformers-process-script, or use --no-whole-process.")
        }
        return true
    }

    var memoryCounts: [Int]? {
        let values = memory.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) >= 1 }) else { return nil }
        return values.compactMap { $0 }
    }

    func run() throws {
        let resolver = ModelResolver(cache: EnvironmentSettings.cache)
        var options = ExtractBenchmark.Options(photos: photos.map { URL(fileURLWithPath: $0) } ?? resolver.cache.appendingPathComponent("photos"))
        options.model = model
        options.imageSize = imageSize
        options.attention = attention
        options.images = images
        options.batch = batch
        options.threads = threads
        options.rounds = rounds
        options.script = noOnnxruntime ? nil : URL(fileURLWithPath: script)
        options.python = python
        options.transformersScript = try transformersEnabled() ? URL(fileURLWithPath: transformersScript) : nil
        options.transformersProcessScript = options.transformersScript == nil || noWholeProcess ? nil : URL(fileURLWithPath: transformersProcessScript)
        options.executable = noMemory && noWholeProcess ? nil : Bundle.main.executableURL
        options.wholeProcess = !noWholeProcess
        options.memoryCounts = noMemory ? [] : memoryCounts ?? []
        let result = try ExtractBenchmark.run(options) { FileHandle.standardError.write(Data(("[bench] " + $0 + "\n").utf8)) }
        print(try result.text(json: json))
    }
}

extension ExtractBenchmark.Result: CommandOutput {
    var tableText: String { ExtractBenchmark.table(self) }
    func jsonText() throws -> String { try CommandJSON.text(self) }
}
