import Images
import Foundation

/// One input size for a whole store, `--image-size HxW`.
public struct InputSize: Sendable, Equatable, CustomStringConvertible {
    public var height: Int
    public var width: Int

    public init(height: Int, width: Int) {
        self.height = height
        self.width = width
    }

    /// Parses "448x448" (or "448X448", "448×448").
    public init?(_ text: String) {
        let parts = text.lowercased().replacingOccurrences(of: "×", with: "x").split(separator: "x")
        guard parts.count == 2, let h = Int(parts[0]), let w = Int(parts[1]), h > 0, w > 0, h <= 16_384, w <= 16_384 else { return nil }
        self.init(height: h, width: w)
    }

    public var description: String { "\(height)x\(width)" }

    /// Throws one sentence naming the nearest valid sizes when a side is not a multiple of `factor`.
    func check(multipleOf factor: Int, model: String) throws {
        guard height % factor != 0 || width % factor != 0 else { return }
        func below(_ v: Int) -> Int { max(factor, v / factor * factor) }
        func above(_ v: Int) -> Int { (v + factor - 1) / factor * factor }
        var options: [String] = []
        for s in [InputSize(height: below(height), width: below(width)), InputSize(height: above(height), width: above(width))]
        where !options.contains(s.description) { options.append(s.description) }
        throw ModelError.badInput(
            reason: "--image-size \(self) is not a multiple of \(factor) on both sides for \(model); the nearest valid sizes are \(options.joined(separator: " and "))")
    }
}

extension Extractor {
    /// The preprocessing for `model` from `folder`, fixed at one size for the whole store.
    ///
    /// - Qwen2.5-VL: the folder's Qwen2-VL processor settings; `requested` (multiples of
    ///   patch × merge = 28) or, by default, what `smart_resize` makes of a 448 × 448 square.
    /// - DINOv3: resize to 224 × 224 (bilinear) and ImageNet mean/std, HF's defaults, or the folder's file.
    /// - Others: the folder's settings or the defaults of the tower at its image size, as the HF processor of
    ///   the folder (an LVLM's own, see `Preprocessor.tower`); `requested` (multiples of the patch size)
    ///   replaces the resize and crop by an exact resize.
    public static func preprocessor(folder: ModelFolder, model: VisionTransformer, requested: InputSize?) throws -> Preprocessor {
        let spec = model.spec, file = folder.url.appendingPathComponent("preprocessor_config.json")
        let json = FileManager.default.contents(atPath: file.path)
        var preprocessor: Preprocessor
        if model.merger != nil {
            let defaults = try Preprocessor.qwen2VL(json: json, source: json == nil ? "defaults:qwen2_vl" : file.path, height: 448, width: 448).1
            let size = requested ?? InputSize(height: defaults.defaultSize.height, width: defaults.defaultSize.width)
            try size.check(multipleOf: defaults.factor, model: spec.architecture)
            return try Preprocessor.qwen2VL(json: json, source: json == nil ? "defaults:qwen2_vl" : file.path, height: size.height, width: size.width).0
        } else if spec.architecture == "DINOv3ViTModel" {
            if let json {
                preprocessor = try Preprocessor.huggingFace(json: json, source: file.path, architecture: .vit)
            } else {
                preprocessor = Preprocessor.defaults(for: .vit)
            }
            if json == nil {
                preprocessor.imageMean = [0.485, 0.456, 0.406]
                preprocessor.imageStd = [0.229, 0.224, 0.225]
                preprocessor.source = "defaults:dinov3_vit"
            }
            // DINOv3ViTImageProcessor is torchvision-backed: it resizes the float image, unrounded.
            preprocessor.resizeInFloat = true
        } else {
            // The LVLM's processor, not the tower's: LLaVA-NeXT squashes its base image, OneVision uses SigLIP's.
            preprocessor = try Preprocessor.tower(
                architecture: spec.architecture, lvlmFamily: try folder.readLVLM()?.family, imageSize: spec.imageSize,
                modelDirectory: folder.url)
        }
        if let requested {
            try requested.check(multipleOf: spec.patchSize, model: spec.architecture)
            preprocessor.doResize = true
            preprocessor.size = .exact(height: requested.height, width: requested.width)
            preprocessor.doCenterCrop = false
            preprocessor.cropSize = .exact(height: requested.height, width: requested.width)
        }
        return preprocessor
    }
}
