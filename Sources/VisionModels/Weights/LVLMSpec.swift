import Foundation
import ActivationStore

/// The vision side of an LVLM checkpoint's `config.json` (llava, llava_next, llava_onevision,
/// paligemma, internvl): which tower family its `vision_config` is, and what of the tower's output the
/// language model sees. HF's defaults apply to keys the file leaves out.
public struct LVLMSpec: Sendable, Equatable {
    /// The LVLM `model_type`s SinkScope opens, with the tower `model_type` each uses when its
    /// `vision_config` does not say.
    public static let towerDefaults: [String: String] = [
        "llava": "clip_vision_model", "llava_next": "clip_vision_model", "llava_onevision": "siglip_vision_model",
        "paligemma": "siglip_vision_model", "internvl": "internvl_vision",
    ]
    /// Where the tower's tensors sit in the checkpoint, most specific first: transformers 5's
    /// `save_pretrained` writes `model.vision_tower.` for some classes and `vision_tower.` for others, and
    /// the hub's files use `vision_tower.`; the tower family then finds its own root (`vision_model.` or none).
    public static let towerPrefixes = ["model.vision_tower.", "vision_tower."]

    public var family: String
    /// HF `vision_feature_layer`; nil for families that take `last_hidden_state` (PaliGemma).
    public var featureLayer: Int?
    public var selectStrategy: String
    /// InternVL's `downsample_ratio` (0.5: pixel shuffle 2x2 → 1), else nil.
    public var downsampleRatio: Double?

    /// Reads the LVLM keys of `object` (a parsed config.json whose `model_type` is `family`).
    /// - Throws: `ModelError.badConfig` naming `path` when a key has the wrong type.
    init(family: String, object: [String: Any], path: String) throws {
        self.family = family
        func int(_ key: String) throws -> Int? {
            guard let v = object[key] else { return nil }
            if v is NSNull { return nil }
            guard let i = v as? Int else {
                throw ModelError.badConfig(path: path, reason: "\(key) must be one integer (a list of layers is not supported)")
            }
            return i
        }
        switch family {
        case "paligemma":
            featureLayer = nil
            selectStrategy = "full"
        case "llava_onevision":
            featureLayer = try int("vision_feature_layer") ?? -1
            selectStrategy = object["vision_feature_select_strategy"] as? String ?? "full"
        case "internvl":
            featureLayer = try int("vision_feature_layer") ?? -1
            selectStrategy = object["vision_feature_select_strategy"] as? String ?? "default"
            downsampleRatio = try Self.downsampleRatio(object["downsample_ratio"], path: path)
        default:
            featureLayer = try int("vision_feature_layer") ?? -2
            selectStrategy = object["vision_feature_select_strategy"] as? String ?? "default"
        }
        guard ["default", "full"].contains(selectStrategy) else {
            throw ModelError.badConfig(path: path, reason: "vision_feature_select_strategy '\(selectStrategy)' is not 'default' or 'full'")
        }
    }

    /// InternVL's `downsample_ratio` (HF default 0.5 when absent): the pixel shuffle merges k x k patches
    /// into one token with k = 1 / ratio, so k must be a whole number; 0 would divide by zero there.
    /// - Throws: `ModelError.badConfig` naming `path` for anything but 1/k with k in 1...64.
    static func downsampleRatio(_ value: Any?, path: String) throws -> Double {
        guard let value, !(value is NSNull) else { return 0.5 }
        let ratio = value as? Double
        let k = ratio.map { 1 / $0 } ?? .nan
        guard let ratio, ratio > 0, k.isFinite, k >= 1, k <= 64, abs(k - k.rounded()) < 1e-6 else {
            throw ModelError.badConfig(path: path, reason: "downsample_ratio \(value) must be 1/k for a whole k from 1 to 64 (InternVL uses 0.5: 2x2 patches per token)")
        }
        return ratio
    }

    /// What reaches the LLM from a tower of `layers` blocks, `prefix` prefix tokens and a `grid` of patches.
    /// - Throws: `ModelError.badConfig` when the feature layer does not exist, `.badInput` when the
    ///   token merge does not divide `grid`.
    public func info(layers: Int, prefix: Int, grid: [Int], path: String) throws -> LVLMTowerInfo {
        let source: String, hf: Int?, layer: Int
        // InternVL reads last_hidden_state for -1 (after its final norm), hidden_states[i] otherwise.
        if featureLayer == nil || (family == "internvl" && featureLayer == -1) {
            source = "last_hidden_state"
            hf = featureLayer
            layer = layers
        } else {
            let i = featureLayer!
            let resolved = i < 0 ? layers + 1 + i : i
            guard (0...layers).contains(resolved) else {
                throw ModelError.badConfig(path: path, reason: "vision_feature_layer \(i) is outside the tower's hidden states 0...\(layers)")
            }
            source = "hidden_states[\(i)]"
            hf = i
            layer = resolved
        }
        var tokens = grid.reduce(1, *) + (selectStrategy == "full" ? prefix : 0)
        var merge: String?
        if let ratio = downsampleRatio {
            let k = Int((1 / ratio).rounded())
            // HF's pixel_shuffle reshapes the grid into k x k blocks and fails on a remainder.
            // The grid comes from the image size, so this names the size, not the config, as the cause.
            guard grid.allSatisfy({ $0 % k == 0 }) else {
                throw ModelError.badInput(reason: "the pixel shuffle of \(path) (downsample_ratio \(ratio)) merges \(k)x\(k) patches, which does not divide the patch grid \(grid.map(String.init).joined(separator: "x")); choose an image size whose grid is a multiple of \(k)")
            }
            merge = "pixel_shuffle \(k)x\(k)->1"
            tokens = grid.reduce(1, *) / (k * k) + (selectStrategy == "full" ? prefix : 0)
        }
        return LVLMTowerInfo(family: family, featureSource: source, hfFeatureLayer: hf, layer: layer, selectStrategy: selectStrategy,
                        tokenMerge: merge, tokensPassed: tokens)
    }
}
