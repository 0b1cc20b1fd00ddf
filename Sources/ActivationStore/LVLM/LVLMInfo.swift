import TensorFiles

/// The `lvlm` section of `manifest.json`: what a store imported from a vision-language model dump
/// holds about the language model (LLM) that reads the ViT's patch tokens.
///
/// Glossary (on top of the store's n, T, D, L): P visual tokens (the ViT patch tokens the LVLM
/// feeds to its LLM, `model.grid[0] * model.grid[1]`), S the LLM sequence length of an image
/// (prompt included), Dm the LLM hidden size, Lm the LLM's blocks (hidden states l = 0...Lm).
///
/// The ViT side lives in the ordinary store tensors (`hidden.{l}`, `norm`), so detection works on it
/// unchanged; the LLM side lives in one extra file per shard (`files[i]` pairs with `shards[i]`):
/// `llm.received.{l}` [n, P] f32, `llm.hidden.{l}` [n, P, Dm], `llm.visual_positions` [n, P] i64,
/// `llm.sequence_length` [n] i64, `llm.query_count` [n] i64 (see docs/lvlm.md).
public struct LVLMInfo: Codable, Sendable, Equatable {
    /// The LVLM, e.g. "llava-1.5-7b".
    public var name: String
    /// The store layer l whose `hidden.{l}` holds the ViT states the LVLM consumes (LLaVA-1.5: 23,
    /// the penultimate of CLIP ViT-L/14's 25 hidden states).
    public var visionLayer: Int
    /// P.
    public var visualTokens: Int
    /// Lm, the LLM's blocks.
    public var llmLayers: Int
    /// Dm (0 when no LLM hidden states were imported).
    public var llmHiddenSize: Int
    /// H of the LLM (0 when only received attention was imported).
    public var llmHeads: Int
    /// Layers l with `llm.hidden.{l}` (0 = the LLM's input embeddings), ascending.
    public var llmHiddenLayers: [Int]
    /// Layers l with `llm.received.{l}` (attention inside LLM block l; never 0), ascending.
    public var llmReceivedLayers: [Int]
    /// F16 or F32.
    public var llmHiddenDType: DType
    /// Where received attention came from: "llm_attention_received" (given) or "llm_attentions"
    /// (head-mean column sums computed at import).
    public var receivedSource: String
    /// One file per shard, in shard order.
    public var files: [String]
    /// The LVLM family (`llava`, `qwen2_5_vl`, ...) and how its visual tokens merge ViT patches, as the
    /// dump says (nil when it does not).
    public var family: String?
    public var tokenMerge: String?
    /// M when visual tokens map to ViT patches through `llm.token_patches` `[n, K, M]` (K = `visualTokens`
    /// may then differ from the grid's P); nil for one token per patch (token k ← patch k).
    public var tokenPatchWidth: Int?
    /// Logit lens: the LLM layers with `llm.decoded_ids.{l}` / `llm.decoded_probs.{l}`, top-K, and the
    /// JSON file with the string of every decoded id.
    public var decodedLayers: [Int]?
    public var decodedTopK: Int?
    public var wordsFile: String?

    public init(name: String, visionLayer: Int, visualTokens: Int, llmLayers: Int, llmHiddenSize: Int, llmHeads: Int,
                llmHiddenLayers: [Int], llmReceivedLayers: [Int], llmHiddenDType: DType, receivedSource: String,
                files: [String]) {
        self.name = name
        self.visionLayer = visionLayer
        self.visualTokens = visualTokens
        self.llmLayers = llmLayers
        self.llmHiddenSize = llmHiddenSize
        self.llmHeads = llmHeads
        self.llmHiddenLayers = llmHiddenLayers
        self.llmReceivedLayers = llmReceivedLayers
        self.llmHiddenDType = llmHiddenDType
        self.receivedSource = receivedSource
        self.files = files
    }

    enum CodingKeys: String, CodingKey {
        case name, files
        case visionLayer = "vision_layer"
        case visualTokens = "visual_tokens"
        case llmLayers = "llm_layers"
        case llmHiddenSize = "llm_hidden_size"
        case llmHeads = "llm_heads"
        case llmHiddenLayers = "llm_hidden_layers"
        case llmReceivedLayers = "llm_received_layers"
        case llmHiddenDType = "llm_hidden_dtype"
        case receivedSource = "received_source"
        case family
        case tokenMerge = "token_merge"
        case tokenPatchWidth = "token_patch_width"
        case decodedLayers = "decoded_layers"
        case decodedTopK = "decoded_top_k"
        case wordsFile = "words_file"
    }
}

extension StoreKeys {
    /// `[n, P]` f32: attention received by each visual token inside LLM block l (head-mean column sum
    /// over the summed query rows).
    public static func llmReceived(_ layer: Int) -> String { "llm.received.\(layer)" }
    /// `[n, P, Dm]` f16|f32: LLM hidden states at the visual positions, layer l (0 = input embeddings).
    public static func llmHidden(_ layer: Int) -> String { "llm.hidden.\(layer)" }
    /// `[n, P]` i64: LLM sequence position of ViT patch p.
    public static let llmVisualPositions = "llm.visual_positions"
    /// `[n]` i64: S, the image's LLM sequence length.
    public static let llmSequenceLength = "llm.sequence_length"
    /// `[n]` i64: how many query rows the received attention sums over (its total); per-token shares
    /// of the LLM's attention are `llm.received.{l} / llm.query_count`.
    public static let llmQueryCount = "llm.query_count"

    /// `[n, K, M]` i64: the ViT patches (row-major over the grid) feeding LLM visual token k, -1 padded.
    public static let llmTokenPatches = "llm.token_patches"
    /// `[n, K, top-K]` i64 vocabulary ids and f32 probabilities of the logit lens at LLM layer l.
    public static func llmDecodedIDs(_ layer: Int) -> String { "llm.decoded_ids.\(layer)" }
    public static func llmDecodedProbs(_ layer: Int) -> String { "llm.decoded_probs.\(layer)" }
    /// `{"format": "sinkscope-llm-words", "words": {"id": "string"}}`: the strings of the decoded ids.
    public static let llmWords = "llm-words.json"

    /// `llm-00012.safetensors`: the LLM tensors of shard 12.
    public static func llmFile(_ shard: Int) -> String {
        let s = String(shard)
        return "llm-" + String(repeating: "0", count: max(0, 5 - s.count)) + s + ".safetensors"
    }
}
