import Foundation
import TensorFiles

/// What `sinkscope import --lvlm` was asked to do.
public struct LVLMImportOptions: Sendable {
    /// LVLM dumps (`.npz` / `.safetensors`), concatenated along the image axis; S may differ between files.
    public var inputs: [URL]
    /// The store directory to write.
    public var output: URL
    /// Optional labels.csv (its `image` column matches the image ids).
    public var labels: URL?
    /// `[rows, cols]` of the P visual tokens; inferred when P is a square.
    public var grid: [Int]?
    /// The LVLM's name; else the dump's `lvlm_name`, else the first file's name.
    public var name: String?
    /// HF hidden-state index of the ViT layer the LVLM uses; else the dump's `vit_layer` (a whole
    /// ViT stack defaults to its penultimate layer, LLaVA's choice).
    public var vitLayer: Int?
    /// Lv, the ViT's blocks; else the dump's `vit_blocks`, else `vitLayer`.
    public var vitBlocks: Int?
    /// LLM hidden layers to keep (subset of 0...Lm); nil = all that the dump has.
    public var llmLayers: [Int]?
    /// Dtype of the ViT and LLM hidden states in the store.
    public var hiddenDType: DType = .f16
    /// Upper bound on images per shard; the importer also keeps a shard's tensors under `shardBytes`.
    public var maxImagesPerShard = 64
    public var shardBytes = 256 << 20
    /// Replace an existing store (built aside, swapped in only when complete).
    public var overwrite = false
    public var showProgress = true

    public init(inputs: [URL], output: URL) {
        self.inputs = inputs
        self.output = output
    }
}

/// What an LVLM import did (printed by the CLI, as JSON with `--json`).
public struct LVLMImportSummary: Codable, Sendable, Equatable {
    public var store: String
    public var model: ModelInfo
    public var lvlm: LVLMInfo
    public var imported: Int
    public var shards: Int
    /// ViT layers with `hidden.{l}`.
    public var capturedLayers: [Int]
    public var hiddenDType: DType

    enum CodingKeys: String, CodingKey {
        case store, model, lvlm, imported, shards
        case capturedLayers = "captured_layers"
        case hiddenDType = "hidden_dtype"
    }
}
