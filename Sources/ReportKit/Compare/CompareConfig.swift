import Foundation

/// What `sinkscope compare` draws: each store's layers against each other, and, given a second
/// store, the two stores against each other.
///
///     var config = CompareConfig(stores: [a, b], out: URL(fileURLWithPath: "runs/compare"))
///     let summary = try CompareBuilder(config).build()
public struct CompareConfig: Sendable, Equatable {
    /// One or two stores.
    public var stores: [URL]
    /// The page's directory: `index.html`, `report.json`, `figures/*.png` (replaced when it holds an
    /// earlier report; refused when it holds anything else).
    public var out: URL
    /// Layers to compare (nil: every captured layer of each store). Each store must have them.
    public var layers: [Int]?
    /// Sink masks (see `ReportConfig.method`), the same method for both stores.
    public var method: String?
    /// Images whose hidden states are sampled for CKA (shared images when comparing two stores).
    public var sampleImages: Int = 32
    /// Tokens (image, position) sampled for CKA.
    public var ckaTokens: Int = 1024
    public var seed: UInt64 = 0
    /// Images shown before and after when one store is an intervened run (matched by id).
    public var galleryImages: Int = 2
    public var scale: Double = 1
    public var progress: Bool = true

    public init(stores: [URL], out: URL) {
        self.stores = stores
        self.out = out
    }

    func validate() throws {
        guard (1...2).contains(stores.count) else {
            throw ReportError.invalidOption(name: "--store", value: "\(stores.count) stores", expected: "one or two stores")
        }
        // The report's checks cover the shared options.
        var report = ReportConfig(store: stores[0], out: out)
        report.sampleImages = sampleImages
        report.ckaTokens = ckaTokens
        report.scale = scale
        report.galleryImages = galleryImages
        try report.validate()
    }
}
