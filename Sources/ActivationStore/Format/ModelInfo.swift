/// What a store needs to know about the model whose activations it holds.
///
/// Glossary used in every shape comment of this module: n images, T tokens
/// (`prefixTokens + grid[0] * grid[1]`), D hidden size, H heads, L blocks (hidden states exist
/// for l = 0...L: 0 is the embedding output, l the output of block l).
public struct ModelInfo: Codable, Sendable, Equatable {
    /// A human name, e.g. "dinov2-vit-s14".
    public var name: String
    /// The family, e.g. "vit", "dinov2", or "imported" when unknown.
    public var architecture: String
    /// Patch side in pixels (0 when unknown, e.g. for imported dumps).
    public var patchSize: Int
    /// Input side in pixels (0 when unknown).
    public var imageSize: Int
    /// D.
    public var hiddenSize: Int
    /// H (0 when unknown and no attention was captured).
    public var heads: Int
    /// L, the number of blocks.
    public var layers: Int
    /// CLS and register tokens; patch tokens follow them.
    public var prefixTokens: Int
    /// `[rows, cols]` of patch tokens.
    public var grid: [Int]
    /// Register tokens among the prefix tokens (after the CLS token, if any); 0 when there are none.
    public var registers: Int = 0
    /// When the tower came from an LVLM folder: what reaches the language model. Nil otherwise.
    public var lvlm: LVLMTowerInfo?
    /// The order the model computes in, when it is not the store's (Qwen2.5-VL); nil otherwise.
    public var tokenOrder: TokenOrder? = nil

    /// T.
    public var tokens: Int { prefixTokens + (grid.count == 2 ? grid[0] * grid[1] : 0) }

    public init(name: String, architecture: String, patchSize: Int, imageSize: Int, hiddenSize: Int,
                heads: Int, layers: Int, prefixTokens: Int, grid: [Int]) {
        self.name = name
        self.architecture = architecture
        self.patchSize = patchSize
        self.imageSize = imageSize
        self.hiddenSize = hiddenSize
        self.heads = heads
        self.layers = layers
        self.prefixTokens = prefixTokens
        self.grid = grid
    }

    enum CodingKeys: String, CodingKey {
        case name, architecture, heads, layers, grid
        case patchSize = "patch_size"
        case imageSize = "image_size"
        case hiddenSize = "hidden_size"
        case prefixTokens = "prefix_tokens"
        case registers, lvlm
        case tokenOrder = "token_order"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        architecture = try c.decode(String.self, forKey: .architecture)
        patchSize = try c.decode(Int.self, forKey: .patchSize)
        imageSize = try c.decode(Int.self, forKey: .imageSize)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        heads = try c.decode(Int.self, forKey: .heads)
        layers = try c.decode(Int.self, forKey: .layers)
        prefixTokens = try c.decode(Int.self, forKey: .prefixTokens)
        grid = try c.decode([Int].self, forKey: .grid)
        registers = try c.decodeIfPresent(Int.self, forKey: .registers) ?? 0
        lvlm = try c.decodeIfPresent(LVLMTowerInfo.self, forKey: .lvlm)
        tokenOrder = try c.decodeIfPresent(TokenOrder.self, forKey: .tokenOrder)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(architecture, forKey: .architecture)
        try c.encode(patchSize, forKey: .patchSize)
        try c.encode(imageSize, forKey: .imageSize)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(heads, forKey: .heads)
        try c.encode(layers, forKey: .layers)
        try c.encode(prefixTokens, forKey: .prefixTokens)
        try c.encode(grid, forKey: .grid)
        if registers > 0 { try c.encode(registers, forKey: .registers) }
        try c.encodeIfPresent(lvlm, forKey: .lvlm)
        try c.encodeIfPresent(tokenOrder, forKey: .tokenOrder)
    }

    /// Nil when consistent, else the problem as a phrase.
    var problem: String? {
        if grid.count != 2 || grid.contains(where: { $0 <= 0 }) { return "grid \(grid) must be [rows, cols] of positive numbers" }
        if prefixTokens < 0 { return "prefix_tokens \(prefixTokens) is negative" }
        if registers < 0 || registers > prefixTokens { return "registers \(registers) must be in 0...prefix_tokens (\(prefixTokens))" }
        if hiddenSize <= 0 { return "hidden_size \(hiddenSize) must be positive" }
        if layers < 0 { return "layers \(layers) is negative" }
        if heads < 0 { return "heads \(heads) is negative" }
        return nil
    }
}

/// One image of a store.
public struct ImageEntry: Codable, Sendable, Equatable {
    /// Unique within the store; the `image` column of labels.csv matches it.
    public var id: String
    /// Where the image came from (a path, or the dump file it was imported from).
    public var source: String
    /// Label column → value.
    public var labels: [String: String]

    public init(id: String, source: String, labels: [String: String] = [:]) {
        self.id = id
        self.source = source
        self.labels = labels
    }
}
