import ActivationStore
import Foundation
import SinkAnalysis

/// `report.json` of a comparison page: every number it shows.
public struct CompareDocument: Sendable, Codable {
    public var format = "sinkscope-compare"
    public var version = 1
    public var stores: [CompareStoreFacts]
    /// nil with a single store.
    public var crossStore: CrossStoreFacts?
    /// With a clean and an intervened store: the effects and the images shown before and after.
    public var intervention: InterventionCompareFacts?
    public var figures: [FigureRecord]
    public var seconds: Double
}

/// One store's side of a comparison.
public struct CompareStoreFacts: Sendable, Codable, Equatable {
    /// "A" or "B", as the page names the stores.
    public var name: String
    public var path: String
    public var model: ModelInfo
    public var images: Int
    public var layers: [Int]
    public var source: SinkSource
    /// Sinks per layer: total, per image.
    public var sinks: [LayerSinkCount]
    /// `[layer][layer]` linear CKA of sampled token representations.
    public var cka: [[Double?]]
    public var sampledImages: Int
    public var sampledTokens: Int
    public var persistence: SinkPersistence?
}

public struct LayerSinkCount: Sendable, Codable, Equatable {
    public var layer: Int
    public var sinks: CountSummary
}

/// The two stores against each other.
public struct CrossStoreFacts: Sendable, Codable, Equatable {
    /// "tokens" (same token layout: the same (image, position) pairs of the shared images),
    /// "images" (different layouts: the mean token of each shared image) or "none".
    public var mode: String
    /// Why the mode was chosen, or why nothing could be compared.
    public var note: String
    public var sharedImages: Int
    public var sampledImages: Int
    /// Rows compared (tokens or images).
    public var samples: Int
    /// Store A's layers (rows) and store B's layers (columns) of `cka`.
    public var layersA: [Int]
    public var layersB: [Int]
    public var cka: [[Double?]]
    /// CKA of layer l of A with layer l of B, for the layers both have.
    public var sameLayer: [SameLayerCKA]
}

public struct SameLayerCKA: Sendable, Codable, Equatable {
    public var layer: Int
    public var cka: Double?
}

/// What `CompareBuilder.build()` made.
public struct CompareSummary: Sendable, Codable, Equatable {
    public var directory: String
    public var html: String
    public var json: String
    public var figures: Int
    public var stores: [String]
    /// Cross-store mode ("tokens", "images", "none"), nil for one store.
    public var crossMode: String?
    /// Same-layer CKA between the stores.
    public var sameLayer: [SameLayerCKA]
    public var seconds: Double

    public var text: String {
        var lines = ["Comparison: \(html)", "  \(figures) figures, stores: " + stores.joined(separator: " | ")]
        if let crossMode {
            lines.append("  across stores (\(crossMode)): " + (sameLayer.isEmpty ? "no layer in common"
                : sameLayer.map { "layer \($0.layer) CKA \(Format.fixed($0.cka, 3))" }.joined(separator: ", ")))
        }
        lines.append("  built in \(String(format: "%.1f", seconds)) s")
        return lines.joined(separator: "\n")
    }
}
