import Scenes
import ReportKit
import Support
import ActivationStore
import Foundation
import SinkAnalysis
import VisionModels

/// `sinkscope demo`: the whole pipeline on the built-in DINOv2 ViT-S/14 — sample photos and
/// synthetic scenes → extraction with attention → detection (calibrated norm, relative norm,
/// attention, massive activations) → probes → two reports → one demo page with the findings in
/// ten sentences.
///
///     let findings = try DemoPipeline.run(DemoConfig(out: URL(fileURLWithPath: "Reports/demo"), cache: cache))
///     print(DemoSummary.lines(findings).joined(separator: "\n"))
///
/// Every step is a library call the commands also make (`Extractor`, `SinkDetection`,
/// `ProbeRun`, `ReportBuilder`), so the demo's numbers are what the commands would print.
public enum DemoPipeline {
    /// - Parameter log: one line per step as it starts (the command prints them on stderr).
    /// - Throws: `DemoError` (missing assets, unusable output folder) or the failing step's error.
    public static func run(_ config: DemoConfig, log: (String) -> Void = { _ in }) throws -> DemoFindings {
        let start = Date()
        guard config.synth >= 20 else {
            throw DemoError.badOption(name: "--synth", value: "\(config.synth)", expected: "at least 20 (5-fold probes need a few images per class)")
        }
        if let n = config.images, n < 1 { throw DemoError.badOption(name: "--images", value: "\(n)", expected: "at least 1") }
        let photos = try DemoAssets(cache: config.cache).check(limit: config.images)
        try DemoOutput.prepare(config)

        log("model: \(ModelResolver.builtInName) (converted from the ONNX export on first use)")
        _ = try ModelResolver(cache: config.cache).builtInFolder()
        try Data((photos.map(\.path).joined(separator: "\n") + "\n").utf8).write(to: config.photosSource, options: .atomic)

        log("synth: drawing \(config.synth) labelled scenes")
        let bar = ProgressBar(total: config.synth, unit: "images", label: "synth", enabled: config.progress)
        _ = try SceneGenerator(seed: config.seed, size: 224).write(count: config.synth, to: config.synthImages, progress: bar)

        log("extract: \(photos.count) photos and \(config.synth) scenes, every layer, with received attention")
        let extractStart = Date()
        _ = try Extractor.run(extraction(config, images: config.photosSource, store: config.photoStore, labels: nil))
        _ = try Extractor.run(extraction(config, images: config.synthImages, store: config.synthStore,
                                         labels: config.synthImages.appendingPathComponent("labels.csv")))
        let extractSeconds = Date().timeIntervalSince(extractStart)

        log("detect: calibrated norm (--tau auto), relative norm, attention, massive activations")
        let photoStore = try StoreReader(url: config.photoStore)
        func detect(_ store: StoreReader, _ detector: any SinkDetector, write: Bool = true) throws -> DetectionReport {
            try SinkDetection.run(store: store, detector: detector, write: write, progress: config.progress)
        }
        let massive = try detect(photoStore, MassiveDimensions(abs: 100, ratio: 1000))
        let relative = try detect(photoStore, RelativeNorm(k: 3))
        let topNorm = try detect(photoStore, TopKNorm(k: 1), write: false)
        let attention = try detect(photoStore, ReceivedAttentionThreshold(m: 5))
        // Written last, so the report's default method ("norm" when stored) is the calibrated one.
        let calibrated = try detect(photoStore, NormThreshold(tau: .auto))
        let synthStore = try StoreReader(url: config.synthStore)
        _ = try detect(synthStore, TopKNorm(k: 4))

        let clsIsSink = attention.layers.filter { $0.clsIsAttentionSink == true }.count * 2 > attention.layers.count
        let suites = try DemoSuites.run(
            store: try StoreReader(url: config.synthStore), probes: config.probes, out: config.probeResults,
            sinkGroup: clsIsSink ? "cls" : "sinks_topk", progress: config.progress, log: log)

        log("report: photos and synthetic scenes")
        var photoReport = ReportConfig(store: config.photoStore, out: config.photoReport)
        photoReport.galleryImages = min(6, photos.count)
        photoReport.progress = config.progress
        let photoSummary = try ReportBuilder(photoReport).build()
        var synthReport = ReportConfig(store: config.synthStore, out: config.synthReport)
        synthReport.results = suites.results["global-vs-local"]
        synthReport.method = "topk"
        synthReport.progress = config.progress
        let synthSummary = try ReportBuilder(synthReport).build()

        var findings = DemoFindings(
            model: photoStore.model, photos: photos.count, synth: config.synth, extractSeconds: extractSeconds,
            calibrated: calibrated, relative: relative, attention: attention, massive: massive, topNorm: topNorm,
            probes: suites.headlines, missingSuites: suites.missing, page: DemoOutput.displayPath(config.page), totalSeconds: 0)
        findings.totalSeconds = Date().timeIntervalSince(start)
        try DemoOutput.write(findings, config: config, photoReport: photoSummary, synthReport: synthSummary)
        return findings
    }

    static func extraction(_ config: DemoConfig, images: URL, store: URL, labels: URL?) -> ExtractionConfig {
        ExtractionConfig(
            model: ModelResolver.builtInName, images: images, output: store, labels: labels, receivedAttention: true,
            threads: config.threads, progress: config.progress, cache: config.cache)
    }
}
