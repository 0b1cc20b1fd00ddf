import Foundation

/// What `sinkscope report` draws, and where. Construction only stores options; `ReportBuilder`
/// checks them against the store.
///
///     var config = ReportConfig(store: URL(fileURLWithPath: "runs/photos"), out: URL(fileURLWithPath: "runs/photos-report"))
///     config.results = URL(fileURLWithPath: "runs/probe")       // a directory with results.json
///     let summary = try ReportBuilder(config).build()
public struct ReportConfig: Sendable, Equatable {
    /// The store to report on.
    public var store: URL
    /// The report directory: `index.html`, `report.json`, `figures/*.png`. Replaced when it holds
    /// an earlier report; refused when it holds anything else.
    public var out: URL
    /// A probe output directory holding `results.json` (or the file itself).
    public var results: URL?
    /// The sink masks to use: a method stored in the store (`sink.{method}.{l}`). nil: `norm`
    /// when stored, else the first stored method, else detection in memory with the calibrated
    /// norm threshold (`--tau auto`). A known method name without stored masks is run in memory
    /// with its default parameters.
    public var method: String?
    /// Layers to show (nil: every captured layer).
    public var layers: [Int]?
    /// Images in the gallery.
    public var galleryImages: Int = 4
    /// Layers of the gallery heatmaps (nil: chosen from where the sinks are, at most three).
    public var galleryLayers: [Int]?
    /// Layer of the PCA scatter and of the norm-vs-attention scatter (nil: the layer with the most sinks).
    public var focusLayer: Int?
    /// Where to look for images whose manifest source is not an image file (e.g. an imported
    /// dump): `DIR/<source file name>`, then `DIR/<id>` with or without an image extension.
    public var imagesDirectory: URL?
    /// Images whose hidden states are read for CKA and PCA (a subsample, evenly spaced).
    public var sampleImages: Int = 32
    /// Tokens (image, position) drawn from those images for the layer x layer CKA.
    public var ckaTokens: Int = 1024
    /// Non-sink points drawn in each scatter (all sinks are always drawn).
    public var scatterPoints: Int = 3000
    /// Seed of every subsample.
    public var seed: UInt64 = 0
    /// Figure resolution multiplier (1: screen, 2: print).
    public var scale: Double = 1
    /// Progress bar on stderr.
    public var progress: Bool = true
    /// Images per block where a layer is read block by block (nil: about 32 MiB of hidden states).
    /// Only memory and speed depend on it, never the report.
    public var blockImages: Int?

    public init(store: URL, out: URL) {
        self.store = store
        self.out = out
    }

    /// Option values that cannot work whatever the store holds.
    func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ expected: String) throws {
            if !ok { throw ReportError.invalidOption(name: name, value: "\(value)", expected: expected) }
        }
        try check((0...64).contains(galleryImages), "--gallery", galleryImages, "0...64 images")
        try check((2...4096).contains(sampleImages), "--sample-images", sampleImages, "2...4096")
        try check((16...20_000).contains(ckaTokens), "--cka-tokens", ckaTokens, "16...20000")
        try check((100...100_000).contains(scatterPoints), "--scatter-points", scatterPoints, "100...100000")
        try check(scale > 0 && scale <= 4, "--scale", scale, "a factor in (0, 4]")
        if let g = galleryLayers { try check(!g.isEmpty && g.count <= 6, "--gallery-layers", g, "one to six layers") }
    }
}
