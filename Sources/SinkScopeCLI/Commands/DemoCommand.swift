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
            Steps: convert the built-in model on first use; draw --synth labelled scenes; extract every \
            layer with received attention from the sample photos and the scenes; detect sinks with the \
            calibrated norm threshold (--tau auto), relative norm (k = 3), received attention (m = 5) and \
            massive activations; probe a global (texture) and a local (quadrant) label from CLS, the \
            top-4 patches by norm, all patches and 4 random patches at every layer (5-fold logistic, \
            bootstrap interval, control task); write a report on each store and OUT/index.html with the \
            findings in ten sentences, which are also printed.

            Needs the model ONNX and the photos in the asset cache ($SINKSCOPE_CACHE or \
            ~/.cache/sinkscope): run `bash scripts/setup.sh` first (scripts/demo.sh does); the demo \
            downloads nothing itself. OUT is replaced when an earlier demo wrote it. About a minute \
            with a release build on 2 cores at the defaults; --images and --synth scale it.

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
            out: URL(fileURLWithPath: out), images: images, synth: synth, cache: ModelResolver().cache,
            threads: threads, seed: seed, progress: !quiet)
        let findings = try DemoPipeline.run(config) { FileHandle.standardError.write(Data("[demo] \($0)\n".utf8)) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(findings), as: UTF8.self))
        } else {
            print("Demo page: \(findings.page)")
            print(DemoSummary.lines(findings).enumerated().map { "\($0 + 1). \($1)" }.joined(separator: "\n"))
        }
    }
}
