import ArgumentParser
import Foundation
import ReportKit
import SinkAnalysis

/// `sinkscope report`: one store → a static HTML report with its figures and report.json.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report of a store: sinks per layer, norm histograms, gallery, attention, PCA, CKA.",
        discussion: """
            Writes DIR/index.html, DIR/figures/*.png and DIR/report.json (every number shown) into DIR = --out, \
            which is replaced if it holds an earlier report. The page \
            has no script and no network request; open it from file://. Sinks come from the store's masks \
            (sinkscope detect); without masks the report detects them in memory with the calibrated norm \
            threshold (--tau auto) and says so. The store is never modified.

            Examples:
              sinkscope report --store /tmp/photos-store --out /tmp/photos-report
              sinkscope report --store /tmp/photos-store --results /tmp/probe --method relative \\
                --layers 0,4,8,12 --gallery 6 --out /tmp/photos-report
            """)

    @OptionGroup var input: StoreOptions

    @Option(help: "A probe output directory with results.json (from sinkscope probe).")
    var results: String?

    @Option(help: "Sink masks to use: a stored method, or a detection method to run in memory with its defaults.")
    var method: String?

    @Option(help: "Layers: 'all' or a comma-separated list such as 0,4,8.")
    var layers: LayerSelection = .all

    @Option(help: "Number of images in the gallery (0 switches it off).")
    var gallery: Int = 4

    @Option(help: "Layers of the gallery heatmaps, comma-separated (default: chosen from where the sinks are).")
    var galleryLayers: LayerSelection?

    @Option(help: "Layer of the PCA and norm-vs-attention scatters (default: the layer with the most sinks).")
    var focusLayer: Int?

    @Option(help: "Directory to find images in when the manifest's source paths are not images (e.g. imported dumps).")
    var images: String?

    @Option(help: "Images whose hidden states are sampled for CKA and PCA.")
    var sampleImages: Int = 32

    @Option(help: "Tokens sampled for the layer x layer CKA.")
    var ckaTokens: Int = 1024

    @Option(help: "Seed of every subsample.")
    var seed: UInt64 = 0

    @Option(help: "Figure resolution multiplier (1 screen, 2 print).")
    var scale: Double = 1

    @OptionGroup var outputOptions: OutputOptions

    func config() -> ReportConfig {
        var c = ReportConfig(store: input.url, out: outputOptions.url)
        c.results = results.map { URL(fileURLWithPath: $0) }
        c.method = method
        c.layers = layers.layers
        c.galleryImages = gallery
        c.galleryLayers = galleryLayers?.layers
        c.focusLayer = focusLayer
        c.imagesDirectory = images.map { URL(fileURLWithPath: $0) }
        c.sampleImages = sampleImages
        c.ckaTokens = ckaTokens
        c.seed = seed
        c.scale = scale
        c.progress = outputOptions.progress
        return c
    }

    /// The text `run()` prints (the summary, or JSON).
    func output() throws -> String {
        try outputOptions.render(try ReportBuilder(config()).build())
    }

    func run() throws {
        print(try output())
    }
}

extension ReportSummary: CommandOutput {
    var tableText: String { text }
}
