extension ModelFolder {
    /// Families close to one SinkScope runs but needing parts its forward does not have: refused with
    /// what they need (`ModelError.notImplemented`) instead of the generic list of supported types.
    /// Keyed by the folder's `model_type` or its `vision_config.model_type`.
    static let notYetRun: [String: (family: String, feature: String)] = {
        let qwen3 = (family: "Qwen3-VL", feature: "a vision tower that adds learned position embeddings, bilinearly interpolated from a fixed table to "
            + "each grid, to 2-D rotary ones, and feeds the language model deepstack features (patch mergers on "
            + "intermediate blocks)")
        return ["qwen3_vl": qwen3, "qwen3_vl_moe": qwen3, "qwen3_vl_vision": qwen3, "qwen3_vl_moe_vision": qwen3]
    }()

    /// Throws `ModelError.notImplemented` for a family in `notYetRun`.
    static func refuseNotYetRun(modelType: String, visionType: String?, path: String) throws {
        guard let refused = notYetRun[modelType] ?? visionType.flatMap({ notYetRun[$0] }) else { return }
        throw ModelError.notImplemented(architecture: "The model in \(path) (model_type '\(modelType)', \(refused.family))",
                                        feature: refused.feature)
    }
}
