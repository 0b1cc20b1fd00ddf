import Support
import ActivationStore
import Foundation
import SinkAnalysis

/// `report.json`: every number the page shows, so each figure can be re-made elsewhere.
/// Keys are the Swift property names (camelCase), as in `sinkscope detect --json`, whose
/// `LayerDetection` rows it embeds; a value that is undefined (a correlation of a constant, a ratio with an
/// empty group) is `null`, never NaN.
///
///     import json; r = json.load(open("report/report.json"))
///     [l["sinks"]["total"] for l in r["detection"]["layers"]]     # sinks per layer
public struct ReportDocument: Sendable, Codable {
    public var format = "sinkscope-report"
    public var version = 1
    public var store: StoreFacts
    public var detection: DetectionFacts
    /// The summary's findings, in the order shown.
    public var headlines: [String]
    public var histograms: [NormHistogram]
    public var gallery: GalleryFacts
    public var normAttention: NormAttentionFacts
    public var probes: ProbeFacts
    public var pca: PCAFacts
    public var crossLayer: CrossLayerFacts
    /// The store's `effects.json` when it is an intervened run (`sinkscope intervene`), else nil.
    public var intervention: InterventionEffects?
    public var figures: [FigureRecord]
    /// Seconds it took to build the report.
    public var seconds: Double
}

/// What the store holds.
public struct StoreFacts: Sendable, Codable, Equatable {
    public var path: String
    public var model: ModelInfo
    public var images: Int
    public var capturedLayers: [Int]
    /// Layers shown in the report.
    public var layers: [Int]
    public var receivedLayers: [Int]
    public var preprocessing: [String: String]?
    /// Label column → value → number of images.
    public var labels: [String: [String: Int]]
    public var notes: [String]
}

/// The sink masks and the library's per-layer summary of them.
public struct DetectionFacts: Sendable, Codable, Equatable {
    public var source: SinkSource
    /// `LayerDetection` of each shown layer, as `sinkscope detect --json` prints it.
    public var layers: [LayerDetection]
    /// `[layer][n]` sinks per image.
    public var sinksPerImage: [[Int]]
    /// Per layer: does the patch-token norm distribution have a separate high-norm mode?
    public var calibration: [LayerCalibration]
    /// Sentences about layers without masks.
    public var notes: [String]
}

public struct LayerCalibration: Sendable, Codable, Equatable {
    public var layer: Int
    public var hasSeparateMode: Bool
    public var tau: Double?
    public var verdict: String
}

/// Patch-token norm histogram of one layer (equal-width bins, numpy.histogram semantics).
public struct NormHistogram: Sendable, Codable, Equatable {
    public var layer: Int
    public var edges: [Double]
    public var counts: [Int]
    /// The norm marked by the dashed line, and what it is ("τ", "calibrated τ").
    public var marker: Double?
    public var markerLabel: String?
    public var sinks: Int
}

public struct GalleryFacts: Sendable, Codable, Equatable {
    public var layers: [Int]
    /// How the images were chosen.
    public var selection: String
    public var images: [GalleryImage]
}

public struct GalleryImage: Sendable, Codable, Equatable {
    /// Store index.
    public var index: Int
    public var id: String
    public var labels: [String: String]
    /// The decoded file, nil when a placeholder was drawn.
    public var file: String?
    public var note: String?
    /// One per gallery layer: the patch indices (row-major in the grid) of the sinks.
    public var sinkPatches: [[Int]]
    /// One per gallery layer: prefix tokens that are sinks (only when masks include them).
    public var sinkPrefixTokens: [[Int]]
}

public struct NormAttentionFacts: Sendable, Codable, Equatable {
    public var available: Bool
    /// Why there is nothing to show, when `available` is false.
    public var note: String?
    /// Spearman / Pearson per layer with received attention (patch tokens pooled over images).
    public var layers: [NormAttentionRelation]
    public var scatter: ScatterFacts?
}

/// Points of a scatter by group.
public struct ScatterFacts: Sendable, Codable, Equatable {
    public var layer: Int
    public var xLabel: String
    public var yLabel: String
    public var groups: [ScatterGroup]
    /// How the points were drawn.
    public var sampling: String
}

public struct ScatterGroup: Sendable, Codable, Equatable {
    public var name: String
    public var x: [Float]
    public var y: [Float]
}

public struct PCAFacts: Sendable, Codable, Equatable {
    public var available: Bool
    public var note: String?
    public var layer: Int?
    public var explainedVarianceRatio: [Double]
    public var scatter: ScatterFacts?
}

public struct CrossLayerFacts: Sendable, Codable, Equatable {
    public var layers: [Int]
    /// `[layer][layer]` linear CKA of the sampled token representations.
    public var cka: [[Double?]]
    public var sampledImages: Int
    public var sampledTokens: Int
    public var persistence: SinkPersistence?
    public var note: String?
}

/// Doubles that may be NaN become nil so JSON stays standard.
func finite(_ x: Double?) -> Double? {
    guard let x, x.isFinite else { return nil }
    return x
}

extension Encodable {
    /// Pretty, key-sorted JSON; any stray non-finite number is written as a string rather than
    /// failing the whole report.
    func reportJSON() throws -> Data {
        let encoder = JSONCoding.encoder(nonFinite: .javascript)
        return try encoder.encode(self)
    }
}
