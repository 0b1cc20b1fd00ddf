/// `manifest.json`: everything about a store except the tensors. JSON keys are snake_case.
///
/// A manifest is written last and atomically, so one that exists always describes shards that
/// were completely written.
public struct Manifest: Codable, Sendable, Equatable {
    public static let formatName = "sinkscope-store"
    public static let currentVersion = 1

    /// Always "sinkscope-store".
    public var format: String
    /// 1.
    public var version: Int
    public var model: ModelInfo
    /// All images, in store order (shard 0's first, ...).
    public var images: [ImageEntry]
    /// Shards in order; together they hold `images` contiguously.
    public var shards: [ShardEntry]
    /// Layers l with `hidden.{l}` (and meaningful `norm` rows), ascending.
    public var capturedLayers: [Int]
    /// F16 or F32.
    public var hiddenDType: DType
    /// True when `received.{l}` exists for `receivedLayers`.
    public var hasReceived: Bool
    public var receivedLayers: [Int]
    /// True when `attn.{l}` exists for `attentionLayers`.
    public var hasAttention: Bool
    public var attentionLayers: [Int]
    /// How images were turned into model input (resize, crop, mean/std), recorded as given.
    public var preprocessing: [String: String]?
    /// Sink masks by detection method.
    public var masks: [String: MaskSet]
    /// Free-form remarks (e.g. how an import mapped attention to layers).
    public var notes: [String]
    /// The tool that wrote the store.
    public var createdBy: String
    /// The language-model side of a store imported from an LVLM dump (`sinkscope import --lvlm`);
    /// nil (and absent from the JSON) for every other store, so older stores read unchanged.
    public var lvlm: LVLMInfo?
    /// The part of an image list a store made by `extract --shard I/N` holds; nil (and absent
    /// from the JSON) for every other store, including the store `merge` makes of the shards.
    public var shard: ShardOrigin?
    /// `merged` [n, M, D_llm] (a tower's patch merger output), when extracted; nil (and absent from
    /// the JSON) otherwise.
    public var merged: MergedTokens?

    public init(model: ModelInfo, capturedLayers: [Int], hiddenDType: DType, preprocessing: [String: String]?) {
        format = Self.formatName
        version = Self.currentVersion
        self.model = model
        images = []
        shards = []
        self.capturedLayers = capturedLayers
        self.hiddenDType = hiddenDType
        hasReceived = false
        receivedLayers = []
        hasAttention = false
        attentionLayers = []
        self.preprocessing = preprocessing
        masks = [:]
        notes = []
        createdBy = "sinkscope 0.1.0"
    }

    enum CodingKeys: String, CodingKey {
        case format, version, model, images, shards, preprocessing, masks, notes, lvlm, shard, merged
        case capturedLayers = "captured_layers"
        case hiddenDType = "hidden_dtype"
        case hasReceived = "has_received"
        case receivedLayers = "received_layers"
        case hasAttention = "has_attention"
        case attentionLayers = "attention_layers"
        case createdBy = "created_by"
    }
}

/// One shard file and the images it holds: `images[firstImage ..< firstImage + count]`.
public struct ShardEntry: Codable, Sendable, Equatable {
    /// File name inside the store directory, e.g. `shard-00000.safetensors`.
    public var file: String
    public var firstImage: Int
    public var count: Int

    public var imageRange: Range<Int> { firstImage..<(firstImage + count) }

    public init(file: String, firstImage: Int, count: Int) {
        self.file = file
        self.firstImage = firstImage
        self.count = count
    }

    enum CodingKeys: String, CodingKey {
        case file, count
        case firstImage = "first_image"
    }
}

/// The masks of one detection method: `sink.{method}.{l}` u8 `[n, T]` for each layer, in one
/// file per shard (`files[i]` holds the rows of `shards[i]`).
public struct MaskSet: Codable, Sendable, Equatable {
    public var layers: [Int]
    /// The detection parameters, as given (e.g. `["tau": "100"]`).
    public var parameters: [String: String]
    public var files: [String]

    public init(layers: [Int], parameters: [String: String], files: [String]) {
        self.layers = layers
        self.parameters = parameters
        self.files = files
    }
}
