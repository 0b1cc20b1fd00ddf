import VisionModels
import Support
import Images
import Foundation
import LinearAlgebra

/// `sinkscope bench extract`: SinkScope's forward against transformers on the CPU (eager with
/// attentions, sdpa without) and onnxruntime, on the same model, images and threads; the fraction of
/// the GEMM limit each side reaches; and the peak memory of each side.
///
/// Speed: `images` photos (the cache's sample photos, cycled) are preprocessed once into a pixel file
/// [n, 3, H, W] that every side reads, and timed in batches of `batch`; every side returns every
/// block's output (SinkScope: hidden.0...L and norms, plus received attention with `attention`;
/// transformers: scripts/bench_transformers.py, output_hidden_states, plus output_attentions in eager
/// mode; onnxruntime: the ONNX graph truncated to the L block outputs, see scripts/bench_onnxruntime.py,
/// built-in model only). Rounds alternate the sides so a busy machine slows all alike; each side's
/// best round is compared, and one warm-up batch per side runs before timing. Each Python side runs
/// in its own process per round, so its peak memory (ru_maxrss, loading included) is its own.
///
/// GEMM limit: `ForwardGEMMs` counts the forward's matrix products for the model's shapes and
/// `GEMMLimit` times sgemm on those shapes in the same run (see both), three times a round: before
/// SinkScope's forward, after it and after its whole process. The fastest probe is the run's limit, the
/// one every side's best round is held against; each SinkScope run is also held against the mean of
/// the two probes around it, since on a shared host the sgemm rate drifts by a fifth from one minute to
/// the next and a best round against a best probe from another minute reads high or low.
///
/// Whole process: with an executable and `wholeProcess`, every round also times `sinkscope extract`
/// as a child process over the same photos, batch and threads (wall clock from launch to exit: model
/// loading, decoding, preprocessing, the forwards and the f16 store writes with their fsyncs), which
/// is what a user waits for; the table gives its fraction of the same round's GEMM limit.
///
/// The transformers modes get the same: scripts/bench_transformers_process.py as a child process over
/// the same image files (imports, loading, PIL decoding with the folder's processor, the forwards, every
/// block's hidden states in f16 and, in eager mode, the received attention written as safetensors),
/// the script a user would otherwise write; its images/s is compared with SinkScope's whole process.
///
/// Memory: `sinkscope extract` runs as a child process per count in `memoryCounts` over that many
/// images (symlinks to the photos) and reports its peak resident set (VmHWM).
public enum ExtractBenchmark {
    public struct Options: Sendable {
        public var model = ModelResolver.builtInName
        public var photos: URL
        public var images = 32
        public var batch = 8
        public var threads = 2
        public var rounds = 3
        /// scripts/bench_onnxruntime.py; nil skips onnxruntime.
        public var script: URL?
        /// scripts/bench_transformers.py; nil skips transformers.
        public var transformersScript: URL?
        public var transformersModes: [TransformersMode] = TransformersMode.allCases
        /// scripts/bench_transformers_process.py: each mode also as a whole process in every round when
        /// `wholeProcess` is on; nil skips it.
        public var transformersProcessScript: URL?
        public var python = "python3"
        /// The sinkscope executable for the whole-process and memory runs; nil skips both.
        public var executable: URL?
        /// Time a child `sinkscope extract` over the same images in every round (needs `executable`).
        public var wholeProcess = true
        public var memoryCounts = [50, 200]
        public var cache: URL?
        /// One input size for every image (`extract --image-size`), as extraction would use it; nil: the
        /// model's own preprocessing size.
        public var imageSize: InputSize?
        /// Also capture received attention (and, for a tower with a merger, `merged`) in the timed forwards,
        /// as `extract --attention` does.
        public var attention = false

        public init(photos: URL) { self.photos = photos }
    }

    public struct Result: Codable, Sendable {
        public var model: String
        public var images: Int
        public var batch: Int
        public var threads: Int
        /// images/s of each round.
        public var sinkscope: [Double]
        /// images/s of each round's child `sinkscope extract` (whole process, store written); empty when not run.
        public var wholeProcess: [Double] = []
        public var onnxruntime: [Double]
        /// best SinkScope images/s ÷ best onnxruntime images/s (above 1: SinkScope is faster).
        public var speedRatio: Double?
        /// image count → peak resident MiB of `sinkscope extract` over that many images.
        public var peakResidentMiB: [String: Double]
        public var onnxruntimeVersion: String?
        /// One entry per transformers mode run.
        public var transformers: [TransformersRun] = []
        /// The sgemm floor of the forward at these shapes, measured in this run: the fastest probe.
        public var gemmLimit: GEMMLimit?
        /// Every probe of the limit, in order: in each round one before SinkScope's forward, one after it
        /// and one after its whole process.
        public var gemmLimitProbes: [GEMMLimit] = []
        /// Per round, SinkScope's forward images/s as a fraction of the limit probed just before and after it
        /// (`GEMMLimit.around`): what a shared host's drift does not move.
        public var localFractions: [Double] = []
        /// The same for each round's whole process (probed after the forward and after the whole process).
        public var wholeProcessLocalFractions: [Double] = []
        /// SinkScope's peak memory and where it was read (a child extract's VmHWM, or this process's).
        public var sinkscopePeakResidentMiB: Double?
        public var sinkscopePeakSource: String?
        public var inputSize: String?
        /// Whether received attention was captured (`--attention`) in the timed forwards and extracts.
        public var attention: Bool?
        /// The instruction set SinkScope's elementwise loops ran with (`vectorMathPath`).
        public var vectorPath: String?
    }

    public static func run(_ options: Options, log: (String) -> Void = { _ in }) throws -> Result {
        BLASThreads.set(options.threads)
        if options.script != nil, options.model != ModelResolver.builtInName {
            throw ModelError.badInput(reason: "onnxruntime is compared only on the built-in \(ModelResolver.builtInName); time \(options.model) without it (--no-onnxruntime)")
        }
        let folder = try ModelResolver(cache: options.cache).resolve(options.model)
        let model = try folder.load(threads: options.threads)
        // The preprocessing extract would use (the Qwen processor, --image-size), so the timed input matches a real run.
        let pipeline = ImagePipeline(preprocessor: try Extractor.preprocessor(folder: folder, model: model, requested: options.imageSize))
        guard let size = pipeline.preprocessor.targetSize else { throw ModelError.badInput(reason: "the preprocessing has no fixed size") }
        let photos = try ImageSource(path: options.photos).items
        let per = 3 * size.height * size.width
        var pixels = [Float](repeating: 0, count: options.images * per)
        for (k, item) in photos.prefix(options.images).enumerated() {
            let x = try pipeline.pixels(item.url)
            for i in stride(from: k, to: options.images, by: photos.count) { pixels.replaceSubrange((i * per)..<((i + 1) * per), with: x) }
        }
        let pixelFile = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-bench-\(UUID().uuidString).f32")
        defer { try? FileManager.default.removeItem(at: pixelFile) }
        try pixels.withUnsafeBytes { Data($0) }.write(to: pixelFile)

        // `merged` is computed only by towers with a merger; the others ignore the request.
        let capture = CaptureRequest(hiddenLayers: Set(0...model.spec.layers), received: options.attention, merged: options.attention)
        func timeSinkScope() throws -> Double {
            let start = Date()
            for b in stride(from: 0, to: options.images, by: options.batch) {
                let n = min(options.batch, options.images - b)
                _ = try model.forward(pixels: Array(pixels[(b * per)..<((b + n) * per)]), images: n, height: size.height,
                                      width: size.width, capture: capture, threads: options.threads)
            }
            return Double(options.images) / Date().timeIntervalSince(start)
        }
        _ = try model.forward(pixels: Array(pixels[0..<(min(options.batch, options.images) * per)]), images: min(options.batch, options.images),
                              height: size.height, width: size.width, capture: capture, threads: options.threads)   // warm-up
        var result = Result(model: options.model, images: options.images, batch: options.batch, threads: options.threads,
                            sinkscope: [], onnxruntime: [], speedRatio: nil, peakResidentMiB: [:], onnxruntimeVersion: nil)
        result.inputSize = "\(size.height)x\(size.width)"
        result.attention = options.attention
        result.vectorPath = vectorMathPath
        let p = model.spec.patchSize
        let gemms = ForwardGEMMs(spec: model.spec, gridRows: size.height / p, gridCols: size.width / p, batch: min(options.batch, options.images),
                                 mergerOutputs: options.attention ? model.mergerOutputWidth : nil)
        result.transformers = options.transformersScript == nil ? [] : options.transformersModes.map { TransformersRun(mode: $0) }
        // The whole-process transformers runs pair with SinkScope's (`executable`) and read the same image files,
        // resized as extract resizes them (--image-size, or Qwen2.5-VL's one grid).
        let processScript = options.wholeProcess && options.executable != nil && options.transformersScript != nil
            ? options.transformersProcessScript : nil
        let processImages = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-bench-photos-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: processImages) }
        if processScript != nil { _ = try linkPhotos(count: options.images, photos: photos.map(\.url), into: processImages) }
        for round in 1...max(1, options.rounds) {
            // The limit is measured in every round, like the sides, and its best round kept: a busy machine
            // lowers it as it lowers them.
            // SinkScope's runs are also bracketed by probes of their own, so each is compared with the machine
            // as it was while it ran (`localFractions`).
            func probe(_ when: String) -> GEMMLimit {
                let limit = GEMMLimit.measure(gemms, threads: options.threads)
                result.gemmLimitProbes.append(limit)
                if limit.secondsPerImage < result.gemmLimit?.secondsPerImage ?? .infinity { result.gemmLimit = limit }
                log(String(format: "round %d: GEMM limit %@ %.3g images/s (%.2f GFLOP per image, %.1f GFLOP/s sgemm at these shapes)",
                           round, when, limit.imagesPerSecond, gemms.flopsPerImage / 1e9, limit.gigaflopsPerSecond))
                return limit
            }
            let beforeForward = probe("before SinkScope:")
            result.sinkscope.append(try timeSinkScope())
            let afterForward = probe("after it:")
            result.localFractions.append(GEMMLimit.around(beforeForward, afterForward).fraction(of: result.sinkscope.last!))
            log(String(format: "round %d: SinkScope %.3g images/s, %.0f%% of the limit probed around it", round, result.sinkscope.last!,
                       100 * result.localFractions.last!))
            if let executable = options.executable, options.wholeProcess {
                let run = try extractProcess(count: options.images, photos: photos.map(\.url), options: options, executable: executable,
                                             attention: options.attention)
                result.wholeProcess.append(Double(options.images) / run.seconds)
                let afterWhole = probe("after the whole process:")
                result.wholeProcessLocalFractions.append(GEMMLimit.around(afterForward, afterWhole).fraction(of: result.wholeProcess.last!))
                log(String(format: "round %d: SinkScope whole process (sinkscope extract) %.3g images/s, %.0f%% of the limit probed around it",
                           round, result.wholeProcess.last!, 100 * result.wholeProcessLocalFractions.last!))
            }
            if let script = options.script {
                let json = try runJSON(options.python, [
                    script.path, "--onnx", ModelResolver(cache: options.cache).onnxURL.path, "--pixels", pixelFile.path,
                    "--images", "\(options.images)", "--size", "\(size.height)", "--batch", "\(options.batch)",
                    "--threads", "\(options.threads)", "--all-layers"])
                guard let rate = json["images_per_second"] as? Double else {
                    throw ModelError.badInput(reason: "\(script.path) printed no images_per_second")
                }
                result.onnxruntime.append(rate)
                result.onnxruntimeVersion = json["onnxruntime"] as? String
                log(String(format: "round %d: onnxruntime %.2f images/s", round, rate))
            }
            if let script = options.transformersScript {
                for k in result.transformers.indices {
                    try result.transformers[k].round(python: options.python, script: script, model: folder.url, pixels: pixelFile,
                                                     images: options.images, size: InputSize(height: size.height, width: size.width), batch: options.batch, threads: options.threads)
                    log(String(format: "round %d: transformers %@ %.2f images/s", round, result.transformers[k].mode.rawValue,
                               result.transformers[k].rates.last!))
                    guard let processScript, result.transformers[k].wholeProcessSkipped == nil else { continue }
                    try result.transformers[k].wholeProcessRound(python: options.python, script: processScript, model: folder.url,
                                                                 images: processImages, count: options.images, batch: options.batch,
                                                                 threads: options.threads, imageSize: options.imageSize)
                    if let reason = result.transformers[k].wholeProcessSkipped {
                        log("transformers \(result.transformers[k].mode.rawValue) whole process not run: \(reason)")
                    } else {
                        log(String(format: "round %d: transformers %@ whole process (%@) %.2f images/s", round, result.transformers[k].mode.rawValue,
                                   processScript.lastPathComponent, result.transformers[k].wholeProcess.last!))
                    }
                }
            }
        }
        let forwardPeak = peakResidentMiB()
        if let best = result.onnxruntime.max(), best > 0, let mine = result.sinkscope.max() { result.speedRatio = mine / best }

        if let executable = options.executable {
            for count in options.memoryCounts {
                result.peakResidentMiB["\(count)"] = try peakMemory(count: count, photos: photos.map(\.url), options: options, executable: executable)
                log(String(format: "extract of %d images: peak resident %.0f MiB", count, result.peakResidentMiB["\(count)"]!))
            }
        }
        if let largest = options.memoryCounts.max(), let mib = result.peakResidentMiB["\(largest)"], options.executable != nil {
            result.sinkscopePeakResidentMiB = mib
            result.sinkscopePeakSource = "VmHWM of a child `sinkscope extract --attention` over \(largest) images"
        } else if let forwardPeak {
            result.sinkscopePeakResidentMiB = forwardPeak
            result.sinkscopePeakSource = "VmHWM of this bench process (model, pixels of all images and the forwards)"
        }
        return result
    }

    /// Runs `sinkscope extract` over `count` symlinked photos in a child process; its peak RSS in MiB.
    static func peakMemory(count: Int, photos: [URL], options: Options, executable: URL) throws -> Double {
        let run = try extractProcess(count: count, photos: photos, options: options, executable: executable, attention: true)
        guard let mib = run.json["peak_resident_mib"] as? Double else {
            throw ModelError.badInput(reason: "sinkscope extract did not report a peak memory for \(count) images")
        }
        return mib
    }

    /// Runs `sinkscope extract` (f16 hidden states, the default) over `count` photos, cycled
    /// and symlinked into a temporary folder, with the options' model, size, batch and threads; the
    /// store is removed afterwards. Returns the wall-clock seconds from launch to exit and the JSON it printed.
    static func extractProcess(count: Int, photos: [URL], options: Options, executable: URL, attention: Bool) throws
        -> (seconds: Double, json: [String: Any])
    {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-bench-extract-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let images = try linkPhotos(count: count, photos: photos, into: root.appendingPathComponent("images"))
        let start = Date()
        let json = try runJSON(executable.path, [
            "extract", "--model", options.model, "--images", images.path, "--out", root.appendingPathComponent("store").path,
            "--batch", "\(options.batch)", "--threads", "\(options.threads)", "--json", "--quiet"]
            + (attention ? ["--attention"] : []) + (options.imageSize.map { ["--image-size", $0.description] } ?? []))
        let seconds = Date().timeIntervalSince(start)
        guard json["extracted"] as? Int == count else {
            throw ModelError.badInput(reason: "sinkscope extract did not extract all \(count) images")
        }
        return (seconds, json)
    }

    /// A new folder `images` of `count` symlinks to `photos`, cycled (img00000.jpg, ...): the input of
    /// every whole-process run, so each reads the same files in the same order.
    static func linkPhotos(count: Int, photos: [URL], into images: URL) throws -> URL {
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<count {
            let source = photos[i % photos.count]
            try FileManager.default.createSymbolicLink(
                at: images.appendingPathComponent(String(format: "img%05d.%@", i, source.pathExtension)), withDestinationURL: source)
        }
        return images
    }

    /// Runs a program (progress bars off) and reads the JSON object it prints.
    static func runJSON(_ program: String, _ arguments: [String]) throws -> [String: Any] {
        try Subprocess(program, arguments, environment: ["SINKSCOPE_NO_PROGRESS": "1"]).runJSONObject()
    }
}
