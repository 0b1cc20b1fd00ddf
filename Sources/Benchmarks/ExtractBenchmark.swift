import VisionModels
import Support
import Images
import Foundation
import LinearAlgebra

/// `sinkscope bench extract`: SinkScope's forward against onnxruntime on the same backbone, images
/// and threads, plus the peak memory of whole extractions of different sizes.
///
/// Speed: `images` photos (the cache's sample photos, cycled) are preprocessed once; both sides
/// time the same [n, 3, 224, 224] pixels in batches of `batch` and return every block's output
/// (SinkScope: hidden.0...L and norms; onnxruntime: the ONNX graph truncated to the L block
/// outputs, see scripts/bench_onnxruntime.py). Rounds alternate SinkScope / onnxruntime so a
/// busy machine slows both alike; each side's best round is compared, and one warm-up batch per
/// side runs before timing.
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
        public var python = "python3"
        /// The sinkscope executable for the memory runs; nil skips them.
        public var executable: URL?
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
        public var onnxruntime: [Double]
        /// best SinkScope images/s ÷ best onnxruntime images/s (above 1: SinkScope is faster).
        public var speedRatio: Double?
        /// image count → peak resident MiB of `sinkscope extract` over that many images.
        public var peakResidentMiB: [String: Double]
        public var onnxruntimeVersion: String?
    }

    public static func run(_ options: Options, log: (String) -> Void = { _ in }) throws -> Result {
        BLASThreads.set(options.threads)
        if options.script != nil, options.model != ModelResolver.builtInName {
            throw ModelError.badInput(reason: "onnxruntime is compared only on the built-in \(ModelResolver.builtInName); time \(options.model) without it (--no-onnxruntime)")
        }
        let folder = try ModelResolver(cache: options.cache).resolve(options.model)
        let model = try folder.load()
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
        for round in 1...max(1, options.rounds) {
            result.sinkscope.append(try timeSinkScope())
            log(String(format: "round %d: SinkScope %.2f images/s", round, result.sinkscope.last!))
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
        }
        if let best = result.onnxruntime.max(), best > 0, let mine = result.sinkscope.max() { result.speedRatio = mine / best }

        if let executable = options.executable {
            for count in options.memoryCounts {
                result.peakResidentMiB["\(count)"] = try peakMemory(count: count, photos: photos.map(\.url), options: options, executable: executable)
                log(String(format: "extract of %d images: peak resident %.0f MiB", count, result.peakResidentMiB["\(count)"]!))
            }
        }
        return result
    }

    /// Runs `sinkscope extract` over `count` symlinked photos in a child process; its peak RSS in MiB.
    static func peakMemory(count: Int, photos: [URL], options: Options, executable: URL) throws -> Double {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-bench-mem-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let images = root.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        for i in 0..<count {
            let source = photos[i % photos.count]
            try FileManager.default.createSymbolicLink(
                at: images.appendingPathComponent(String(format: "img%05d.%@", i, source.pathExtension)), withDestinationURL: source)
        }
        let json = try runJSON(executable.path, [
            "extract", "--model", options.model, "--images", images.path, "--out", root.appendingPathComponent("store").path,
            "--batch", "\(options.batch)", "--threads", "\(options.threads)", "--attention", "--json", "--quiet"]
            + (options.imageSize.map { ["--image-size", $0.description] } ?? []))
        guard let mib = json["peak_resident_mib"] as? Double, json["extracted"] as? Int == count else {
            throw ModelError.badInput(reason: "sinkscope extract did not report a peak memory for \(count) images")
        }
        return mib
    }

    /// Runs a program (progress bars off) and reads the JSON object it prints.
    static func runJSON(_ program: String, _ arguments: [String]) throws -> [String: Any] {
        try Subprocess(program, arguments, environment: ["SINKSCOPE_NO_PROGRESS": "1"]).runJSONObject()
    }

    /// The result as a small table.
    public static func table(_ r: Result) -> String {
        func rate(_ v: [Double]) -> String {
            guard let best = v.max() else { return "not run" }
            return String(format: "%.2f images/s (rounds: %@)", best, v.map { String(format: "%.2f", $0) }.joined(separator: ", "))
        }
        var lines = [
            "model \(r.model), \(r.images) images, batch \(r.batch), \(r.threads) threads; every block output returned",
            "SinkScope    \(rate(r.sinkscope))",
            "onnxruntime  \(rate(r.onnxruntime))\(r.onnxruntimeVersion.map { " [onnxruntime \($0)]" } ?? "")",
        ]
        if let ratio = r.speedRatio { lines.append(String(format: "speed ratio  %.2fx (SinkScope / onnxruntime images/s; above 1 is faster)", ratio)) }
        for count in r.peakResidentMiB.keys.sorted(by: { Int($0)! < Int($1)! }) {
            lines.append(String(format: "peak resident memory, extract of %@ images: %.0f MiB", count, r.peakResidentMiB[count]!))
        }
        return lines.joined(separator: "\n")
    }
}
