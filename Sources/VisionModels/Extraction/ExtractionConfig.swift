import ActivationStore
import Images
import Foundation
import TensorFiles

/// Everything `sinkscope extract` needs, as a value (built by the command, run by `Extractor`).
public struct ExtractionConfig: Sendable {
    /// `dinov2-small` or the path of an HF model folder (see `ModelResolver`).
    public var model: String
    /// A directory of images or a list file (see `ImageSource`).
    public var images: URL
    /// The store directory; an existing store is resumed (images already in it are skipped).
    public var output: URL
    /// `labels.csv` with a header `image,<column>,...`.
    public var labels: URL?
    /// Hidden-state layers to store (0 = embeddings, l = block l); nil for all 0...L.
    public var layers: [Int]?
    /// Store the attention received by each token (`received.{l}`, l = 1...L).
    public var receivedAttention: Bool
    /// Also store the full probabilities `attn.{l}` [H, T, T] per image (large: 1.6 MB per layer for ViT-S/14).
    public var keepAttention: Bool
    /// F16 (half the size) or F32 hidden states.
    public var hiddenDType: DType
    /// Images per forward pass; nil picks `automaticBatchSize(tokens:)` from the model's token count.
    public var batchSize: Int?
    /// OpenBLAS threads and worker threads (decoding, attention, elementwise steps).
    public var threads: Int
    /// Skip files that are not decodable images (listed in the summary) instead of stopping.
    public var skipBad: Bool
    /// Images per shard file; nil picks about 64 MiB per shard from the per-image size.
    public var imagesPerShard: Int?
    /// Draw a progress bar on stderr.
    public var progress: Bool
    /// Asset cache for the built-in model (nil: `$SINKSCOPE_CACHE` or ~/.cache/sinkscope).
    public var cache: URL?
    /// Extract only this part of the image list (`--shard I/N`; see `ShardSpec` for the split);
    /// the store records it so that `StoreMerger` can check the shards of a run.
    public var shard: ShardSpec?
    /// Resize every image to exactly this size (`--image-size HxW`); nil: the model's preprocessing
    /// (for Qwen2.5-VL, `smart_resize` of a 448 × 448 square). One grid per store.
    public var imageSize: InputSize? = nil
    /// Also store, per block, each token's head-mean value norm and the norm of what it adds to the
    /// attention output (`value_norm.{l}`, `value_out.{l}`, l = 1...L; `--capture values`).
    public var captureValues = false
    /// Run every batch clean, then again with this intervention's hooks into the store (`intervene`).
    public var intervention: (any BatchIntervention)?

    public init(
        model: String, images: URL, output: URL, labels: URL? = nil, layers: [Int]? = nil, receivedAttention: Bool = false,
        keepAttention: Bool = false, hiddenDType: DType = .f16, batchSize: Int? = nil, threads: Int = 2, skipBad: Bool = false,
        imagesPerShard: Int? = nil, progress: Bool = true, cache: URL? = nil, shard: ShardSpec? = nil,
        intervention: (any BatchIntervention)? = nil
    ) {
        self.intervention = intervention
        self.model = model
        self.images = images
        self.output = output
        self.labels = labels
        self.layers = layers
        self.receivedAttention = receivedAttention || keepAttention
        self.keepAttention = keepAttention
        self.hiddenDType = hiddenDType
        self.batchSize = batchSize
        self.threads = threads
        self.skipBad = skipBad
        self.imagesPerShard = imagesPerShard
        self.progress = progress
        self.cache = cache
        self.shard = shard
    }
}

/// What an extraction did; printed by the command (as text or `--json`).
public struct ExtractionSummary: Codable, Sendable, Equatable {
    public var store: String
    public var model: String
    public var architecture: String
    public var layers: [Int]
    /// T and D of every stored hidden state.
    public var tokens: Int
    public var hiddenSize: Int
    /// Images added by this run.
    public var extracted: Int
    /// Images already in the store before this run, skipped (resume).
    public var alreadyStored: Int
    /// Images in the store after this run.
    public var storeImages: Int
    /// Files that were not decodable images (`--skip-bad`).
    public var skipped: [SkippedImage]
    public var seconds: Double
    public var imagesPerSecond: Double
    /// The process's peak resident memory (VmHWM) at the end, in MiB; nil where /proc is unavailable.
    public var peakResidentMiB: Double?

    enum CodingKeys: String, CodingKey {
        case store, model, architecture, layers, tokens, extracted, skipped, seconds
        case hiddenSize = "hidden_size", alreadyStored = "already_stored", storeImages = "store_images"
        case imagesPerSecond = "images_per_second", peakResidentMiB = "peak_resident_mib"
    }

    /// A few lines for a terminal.
    public var text: String {
        var lines = [
            "store: \(store)",
            "model: \(model) (\(architecture)), layers \(layers.map(String.init).joined(separator: ",")), hidden [n, \(tokens), \(hiddenSize)]",
            String(format: "extracted %d images in %.1f s (%.2f images/s); %d already stored; store now holds %d images",
                   extracted, seconds, imagesPerSecond, alreadyStored, storeImages),
        ]
        if !skipped.isEmpty {
            lines.append("skipped \(skipped.count) bad files:")
            lines += skipped.map { "  \($0.path): \($0.reason)" }
        }
        if let peakResidentMiB { lines.append(String(format: "peak resident memory: %.0f MiB", peakResidentMiB)) }
        return lines.joined(separator: "\n")
    }
}

/// The process's peak resident set size (VmHWM from /proc/self/status) in MiB, or nil off Linux.
public func peakResidentMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kib = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Double($0) }
        return kib.map { $0 / 1024 }
    }
    return nil
}
