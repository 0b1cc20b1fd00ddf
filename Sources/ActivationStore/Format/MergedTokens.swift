/// The shape of a store's `merged` tensor: what a tower with a patch merger (Qwen2.5-VL's 2×2 merger)
/// hands the language model, `merged` `[n, M, D_llm]` f32, M merge units row-major over the grid
/// (`token_order.merge_unit` says which patches feed each). Recorded in the manifest as
/// `"merged": {"tokens": M, "hidden_size": D_llm}`; absent for towers without a merger.
public struct MergedTokens: Codable, Sendable, Equatable {
    /// M, merged tokens per image.
    public var tokens: Int
    /// D_llm, the language model's width.
    public var hiddenSize: Int

    public init(tokens: Int, hiddenSize: Int) {
        self.tokens = tokens
        self.hiddenSize = hiddenSize
    }

    enum CodingKeys: String, CodingKey {
        case tokens
        case hiddenSize = "hidden_size"
    }
}
