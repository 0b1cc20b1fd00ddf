/// How a model that computes its tokens in another order relates to the store's order (prefix
/// tokens, then the patch grid row-major), recorded in the manifest's model section so analyses can
/// map tokens back (Qwen2.5-VL: merge units, then windows). The store's tensors are always in grid order.
///
///     "token_order": {"computed": [0, 1, 16, 17, ...], "merge_unit": [0, 0, 1, 1, ...], "merge_size": 2,
///                     "window": 8, "windowed_blocks": [0, 1, 2, 3, 4, 5, 6, 8, ...]}
public struct TokenOrder: Codable, Sendable, Equatable {
    /// For each position in the order the model computes in, the store's patch index (row-major grid,
    /// prefix tokens excluded) of the token there: HF's order = computed[i].
    public var computed: [Int]
    /// For each patch in grid order, the index of its merge unit (the LLM token it feeds, units
    /// row-major over the grid / merge_size); nil when the model has no merger.
    public var mergeUnit: [Int]?
    /// The side of a merge unit in patches (2 for Qwen2.5-VL).
    public var mergeSize: Int?
    /// The side of an attention window in patches, when some blocks are windowed.
    public var window: Int?
    /// Blocks (0-based; block b writes hidden.{b+1} and received.{b+1}) whose attention is windowed:
    /// a token there is attended only from its own window, so received attention in them is not
    /// comparable with full-attention blocks.
    public var windowedBlocks: [Int]

    public init(computed: [Int], mergeUnit: [Int]?, mergeSize: Int?, window: Int?, windowedBlocks: [Int]) {
        self.computed = computed
        self.mergeUnit = mergeUnit
        self.mergeSize = mergeSize
        self.window = window
        self.windowedBlocks = windowedBlocks
    }

    enum CodingKeys: String, CodingKey {
        case computed, window
        case mergeUnit = "merge_unit", mergeSize = "merge_size", windowedBlocks = "windowed_blocks"
    }
}
