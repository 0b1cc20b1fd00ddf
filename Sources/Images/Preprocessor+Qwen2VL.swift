import Foundation

/// Qwen2-VL / Qwen2.5-VL image preprocessing (HF `Qwen2VLImageProcessor`, PIL backend) at one fixed
/// size: a store holds one patch grid, so every image is resized (bicubic, PIL-equal) to exactly
/// height × width — multiples of `factor` = patch_size × merge_size (28) — then rescaled and
/// normalised with the processor's mean and std (OpenAI CLIP's by default). HF would instead pick a
/// size per image with `smartResize`; per-image grids are out of scope for now.
extension Preprocessor {
    /// HF's `smart_resize`: the size HF's processor picks for a height × width image — both sides
    /// multiples of `factor`, h·w within [minPixels, maxPixels], the aspect ratio kept as closely as
    /// possible. Python's `round` (half to even) is reproduced.
    public static func smartResize(height: Int, width: Int, factor: Int = 28, minPixels: Int = 56 * 56, maxPixels: Int = 14 * 14 * 4 * 1280)
        -> (height: Int, width: Int)
    {
        func pyRound(_ x: Double) -> Int { Int(x.rounded(.toNearestOrEven)) }
        var h = pyRound(Double(height) / Double(factor)) * factor, w = pyRound(Double(width) / Double(factor)) * factor
        if h * w > maxPixels {
            let beta = (Double(height * width) / Double(maxPixels)).squareRoot()
            h = max(factor, Int((Double(height) / beta / Double(factor)).rounded(.down)) * factor)
            w = max(factor, Int((Double(width) / beta / Double(factor)).rounded(.down)) * factor)
        } else if h * w < minPixels {
            let beta = (Double(minPixels) / Double(height * width)).squareRoot()
            h = Int((Double(height) * beta / Double(factor)).rounded(.up)) * factor
            w = Int((Double(width) * beta / Double(factor)).rounded(.up)) * factor
        }
        return (h, w)
    }

    /// The settings SinkScope reads from a Qwen2-VL `preprocessor_config.json` (HF's defaults otherwise).
    public struct Qwen2VLSettings: Sendable, Equatable {
        public var patchSize = 14
        public var mergeSize = 2
        public var temporalPatchSize = 2
        public var minPixels = 56 * 56
        public var maxPixels = 14 * 14 * 4 * 1280
        /// patch_size × merge_size: sides must be multiples of it.
        public var factor: Int { patchSize * mergeSize }
        /// The default store size: what `smartResize` makes of a 448 × 448 square (448 unless the
        /// pixel bounds exclude it).
        public var defaultSize: (height: Int, width: Int) { Preprocessor.smartResize(height: 448, width: 448, factor: factor, minPixels: minPixels, maxPixels: maxPixels) }
    }

    /// Reads `preprocessor_config.json` (or nothing: HF's defaults) as a Qwen2-VL processor fixed at
    /// height × width, with its settings.
    /// - Throws: `ImageError.badPreprocessorConfig` for a malformed file.
    public static func qwen2VL(json data: Data?, source: String, height: Int, width: Int) throws -> (Preprocessor, Qwen2VLSettings) {
        var settings = Qwen2VLSettings()
        var p = defaults(for: .clip)       // bicubic, rescale 1/255, OpenAI CLIP mean/std: Qwen's defaults
        p.source = source
        if let data {
            guard var dict = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw ImageError.badPreprocessorConfig(path: source, field: "(file)", problem: "is not a JSON object")
            }
            func int(_ key: String) -> Int? { (dict[key] as? NSNumber).map(\.intValue) }
            settings.patchSize = int("patch_size") ?? settings.patchSize
            settings.mergeSize = int("merge_size") ?? settings.mergeSize
            settings.temporalPatchSize = int("temporal_patch_size") ?? settings.temporalPatchSize
            if let size = dict["size"] as? [String: Any] {
                settings.minPixels = (size["shortest_edge"] as? NSNumber)?.intValue ?? settings.minPixels
                settings.maxPixels = (size["longest_edge"] as? NSNumber)?.intValue ?? settings.maxPixels
            }
            settings.minPixels = int("min_pixels") ?? settings.minPixels
            settings.maxPixels = int("max_pixels") ?? settings.maxPixels
            // The size keys are Qwen's pixel bounds, not a resize target: the generic reader must not see them.
            for key in ["size", "crop_size", "do_center_crop"] { dict.removeValue(forKey: key) }
            p = try huggingFace(json: try JSONSerialization.data(withJSONObject: dict), source: source, architecture: .clip)
        }
        p.doResize = true
        p.size = .exact(height: height, width: width)
        p.doCenterCrop = false
        p.cropSize = .exact(height: height, width: width)
        return (p, settings)
    }
}
