/// What an LVLM passes from its vision tower to its language model, recorded in the manifest's model
/// section when the tower came from an LVLM checkpoint folder (llava, llava_next, llava_onevision,
/// paligemma, internvl).
///
/// Layers follow the store's numbering: hidden.0 is the embedding output, hidden.l the output of block l
/// (l = 1...L). HF's `hidden_states[i]` is hidden.i, and a negative i counts from the end (−1 is hidden.L).
public struct LVLMTowerInfo: Codable, Sendable, Equatable {
    /// The LVLM's `model_type`, e.g. "llava".
    public var family: String
    /// Where the LLM's visual features come from, as HF writes it: "hidden_states[-2]" or
    /// "last_hidden_state" (after the tower's final norm: PaliGemma, InternVL with `vision_feature_layer: -1`).
    public var featureSource: String
    /// HF's `vision_feature_layer` (a hidden_states index, possibly negative); nil when the family
    /// takes `last_hidden_state`.
    public var hfFeatureLayer: Int?
    /// The store layer the LLM sees: hidden.{layer} (for "last_hidden_state", L, before the final norm
    /// the tower applies; the store's `final_norm` capture holds the normalised tokens).
    public var layer: Int
    /// `vision_feature_select_strategy`: "default" drops the CLS token, "full" keeps every token.
    public var selectStrategy: String
    /// A token merge before the projector, e.g. "pixel_shuffle 2x2->1" (InternVL), or nil.
    public var tokenMerge: String?
    /// How many tokens per image (base image, no tiling) reach the projector.
    public var tokensPassed: Int

    public init(family: String, featureSource: String, hfFeatureLayer: Int?, layer: Int, selectStrategy: String,
                tokenMerge: String?, tokensPassed: Int) {
        self.family = family
        self.featureSource = featureSource
        self.hfFeatureLayer = hfFeatureLayer
        self.layer = layer
        self.selectStrategy = selectStrategy
        self.tokenMerge = tokenMerge
        self.tokensPassed = tokensPassed
    }

    /// One sentence without its full stop, for pathway notes and reports: "the LLM of llava sees layer 23
    /// (HF hidden_states[-2]), select default (CLS dropped), no token merge, 576 tokens per image".
    public var sentence: String {
        let hf = featureSource == "last_hidden_state" ? "HF last_hidden_state" : "HF " + featureSource
        let select = selectStrategy == "default" ? "default (CLS dropped)" : selectStrategy == "full" ? "full (every token kept)" : selectStrategy
        return "the LLM of \(family) sees layer \(layer) (\(hf)), select \(select), "
            + (tokenMerge.map { "merge \($0)" } ?? "no token merge") + ", \(tokensPassed) tokens per image"
    }

    enum CodingKeys: String, CodingKey {
        case family, layer
        case featureSource = "feature_source"
        case hfFeatureLayer = "vision_feature_layer"
        case selectStrategy = "select_strategy"
        case tokenMerge = "token_merge"
        case tokensPassed = "tokens_passed"
    }
}
