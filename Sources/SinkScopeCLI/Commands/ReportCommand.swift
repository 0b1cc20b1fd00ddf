import Support
import ArgumentParser
import Foundation
import ReportKit

/// `sinkscope report`: one store → a static HTML report with its figures and report.json.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML report of a store: sinks per layer, norm histograms, gallery, attention, PCA, CKA.",
        discussion: """
            Writes DIR/index.html, DIR/figures/*.png and DIR/report.json (every number shown). The page \
            has no script and no network request; open it from file://. Sinks come from the store's masks \
            (sinkscope detect); without masks the report detects them in memory with the calibrated norm \
            threshold (--tau auto) and says so. The store is never modified.

            Examples:
              sinkscope report --store /tmp/photos-store --out /tmp/photos-report
              sinkscope report --store /tmp/photos-store --results /tmp/probe --method relative \\
                --layers 0,4,8,12 --gallery 6 --out /tmp/photos-report
            """)

    @Option(help: "The store directory.")
    var store: String

    @Option(help: "The report directory to write (replaced if it holds an earlier report).")
    var out: String

    @Option(help: "A probe output directory with results.json (from sinkscope probe).")
    var results: String?

    @Option(help: "Sink masks to use: a stored method, or a detection method to run in memory with its defaults.")
    var method: String?

    @Option(help: "Layers: 'all' or a comma-separated list such as 0,4,8.")
    var layers: String = "all"

    @Option(help: "Number of images in the gallery (0 switches it off).")
    var gallery: Int = 4

    @Option(help: "Layers of the gallery heatmaps, comma-separated (default: chosen from where the sinks are).")
    var galleryLayers: String?

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

    @Flag(help: "Print the summary as JSON.")
    var json = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func validate() throws {
        _ = try LayerList.parse(layers, option: "--layers")
        if let g = galleryLayers { _ = try LayerList.parse(g, option: "--gallery-layers") }
    }

    func config() throws -> ReportConfig {
        var c = ReportConfig(store: URL(fileURLWithPath: store), out: URL(fileURLWithPath: out))
        c.results = results.map { URL(fileURLWithPath: $0) }
        c.method = method
        c.layers = try LayerList.parse(layers, option: "--layers")
        c.galleryImages = gallery
        c.galleryLayers = try galleryLayers.flatMap { try LayerList.parse($0, option: "--gallery-layers") }
        c.focusLayer = focusLayer
        c.imagesDirectory = images.map { URL(fileURLWithPath: $0) }
        c.sampleImages = sampleImages
        c.ckaTokens = ckaTokens
        c.seed = seed
        c.scale = scale
        c.progress = EnvironmentSettings.showsProgress(quiet: quiet)
        return c
    }

    /// The text `run()` prints (the summary, or JSON).
    func output() throws -> String {
        let summary = try ReportBuilder(try config()).build()
        return json ? try LayerList.json(summary) : summary.text
    }

    func run() throws {
        print(try output())
    }
}

/// Layer lists as the commands take them, and JSON output.
enum LayerList {
    /// nil for "all".
    static func parse(_ text: String, option: String) throws -> [Int]? {
        if text == "all" { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("\(option) '\(text)' must be 'all' or comma-separated layer numbers such as 0,4,8.")
        }
        return parts.compactMap { $0 }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONCoding.encoder()
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
