import ArgumentParser
import Foundation
import ReportKit
import SinkAnalysis

/// `sinkscope compare`: layer × layer similarity of a store, and a second store against it.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare layers of a store (CKA, sink persistence), and optionally a second store against it.",
        discussion: """
            Writes DIR/index.html, DIR/figures/*.png and DIR/report.json into DIR = --out (replaced if it holds \
            an earlier report). With two stores, CKA compares \
            every layer of one with every layer of the other on the images both hold (matched by id): \
            token by token when the token layouts agree, else one mean token per image; sink counts are \
            shown side by side.

            When one of the two stores was written by sinkscope intervene (it has effects.json), the \
            other is taken as the clean run and the page opens with the intervention's per-layer effect \
            curves and --gallery images before and after: norm and received-attention heatmaps of the \
            same image side by side, each pair on one colour scale.

            Examples:
              sinkscope compare --store /tmp/photos-store --out /tmp/photos-compare
              sinkscope compare --store /tmp/dinov2-s --store /tmp/dinov2-b \\
                --layers 0,4,8,12 --out /tmp/s-vs-b
              sinkscope compare --store runs/clean --store runs/cls-knockout --gallery 3 --out runs/knockout-compare
            """)

    @Option(help: "A store; give --store twice to compare two stores.")
    var store: [String]

    @Option(help: "Layers: 'all' or a comma-separated list such as 0,4,8 (each store must have them).")
    var layers: LayerSelection = .all

    @Option(help: "Sink masks to use: a stored method, or a detection method to run in memory with its defaults.")
    var method: String?

    @Option(help: "Images whose hidden states are sampled for CKA.")
    var sampleImages: Int = 32

    @Option(help: "Tokens sampled for CKA.")
    var ckaTokens: Int = 1024

    @Option(help: "Images shown before and after when one store is an intervened run (0 switches them off).")
    var gallery: Int = 2

    @Option(help: "Seed of every subsample.")
    var seed: UInt64 = 0

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard (1...2).contains(store.count) else { throw ValidationError("Give --store once or twice (got \(store.count)).") }
    }

    func config() -> CompareConfig {
        var c = CompareConfig(stores: store.map { URL(fileURLWithPath: $0) }, out: outputOptions.url)
        c.layers = layers.layers
        c.method = method
        c.sampleImages = sampleImages
        c.ckaTokens = ckaTokens
        c.seed = seed
        c.galleryImages = gallery
        c.progress = outputOptions.progress
        return c
    }

    /// The text `run()` prints (the summary, or JSON).
    func output() throws -> String {
        try outputOptions.render(try CompareBuilder(config()).build())
    }

    func run() throws {
        print(try output())
    }
}

extension CompareSummary: CommandOutput {
    var tableText: String { text }
}
