import Foundation

/// The preprocessing of a vision tower, bare or inside an LVLM checkpoint folder: what Hugging Face's
/// (PIL, "slow") image processor for that folder makes of an image, for the one image SinkScope feeds the
/// tower (the *base image* when the processor also cuts tiles).
///
/// | folder | HF processor | base image |
/// | --- | --- | --- |
/// | `clip_vision_model`, `llava` | `CLIPImageProcessor` | shortest edge → image size, center crop |
/// | `llava_next` | `LlavaNextImageProcessor` | squash to `shortest_edge`², center crop (AnyRes tiles not fed) |
/// | `siglip(_vision_model)`, `paligemma` | `SiglipImageProcessor` | squash to image size, mean/std 0.5 |
/// | `llava_onevision` | `LlavaOnevisionImageProcessor` | squash to `size` (tiles not fed), mean/std 0.5 |
/// | `internvl(_vision)` | `GotOcr2ImageProcessor` | squash to 448², ImageNet statistics (the thumbnail) |
///
/// Without a `preprocessor_config.json` the defaults follow the tower's `image_size` (CLIP-L/336 gets
/// 336, SigLIP so400m/14-384 gets 384). LLaVA-OneVision's class defaults are OpenAI-CLIP statistics, but
/// its SigLIP tower was trained with mean/std 0.5 and every published checkpoint says so: the defaults
/// here are SigLIP's. DINOv2 and ViT keep their processors' fixed sizes (DINOv2's config says 518, its
/// processor crops 224).
extension Preprocessor {
    /// The preprocessing for a tower of `architecture` (an HF model type or class name) trained at
    /// `imageSize`, inside an LVLM folder of type `lvlmFamily` (nil for a bare tower): the folder's
    /// `preprocessor_config.json` when it exists, else `towerDefaults`.
    ///
    /// - Throws: `ImageError.unknownArchitecture`, `.badPreprocessorConfig` (also for LLaVA's
    ///   `do_pad`, which SinkScope does not reproduce), `.unreadable`.
    public static func tower(architecture: String, lvlmFamily: String?, imageSize: Int, modelDirectory: URL) throws -> Preprocessor {
        let file = modelDirectory.appendingPathComponent("preprocessor_config.json")
        var json: Data?
        if FileManager.default.fileExists(atPath: file.path) {
            guard let data = FileManager.default.contents(atPath: file.path) else {
                throw ImageError.unreadable(path: file.path, reason: "permission denied or I/O error")
            }
            json = data
        }
        return try tower(architecture: architecture, lvlmFamily: lvlmFamily, imageSize: imageSize, json: json, source: file.path)
    }

    /// As `tower(architecture:lvlmFamily:imageSize:modelDirectory:)`, with the file's bytes (nil: no file).
    public static func tower(architecture: String, lvlmFamily: String?, imageSize: Int, json: Data?, source: String) throws -> Preprocessor {
        guard let arch = Architecture(name: architecture) else {
            throw ImageError.unknownArchitecture(name: architecture, known: Architecture.allCases.map(\.rawValue))
        }
        let base = towerDefaults(for: arch, lvlmFamily: lvlmFamily, imageSize: imageSize)
        guard let json else { return base }
        // HF's default_to_square: LLaVA-NeXT and OneVision read a bare integer size as a shortest edge.
        let square = arch.intSizeIsSquare && lvlmFamily != "llava_next" && lvlmFamily != "llava_onevision"
        var p = try huggingFace(json: json, source: source, over: base, intSizeIsSquare: square)
        try refuseUnreproduced(json: json, source: source)
        if lvlmFamily == "llava_next" || lvlmFamily == "llava_onevision" { p.size = baseImageSize(p.size) }
        return p
    }

    /// The defaults for a tower of `architecture` trained at `imageSize` in an LVLM of type `lvlmFamily`.
    public static func towerDefaults(for architecture: Architecture, lvlmFamily: String?, imageSize: Int) -> Preprocessor {
        var p = defaults(for: architecture)
        let side = Size.exact(height: imageSize, width: imageSize)
        switch architecture {
        case .clip:
            p.size = lvlmFamily == "llava_next" ? side : .shortest(imageSize)
            p.cropSize = side
        case .siglip, .internvl:
            p.size = side
            p.cropSize = side
        case .dinov2, .vit:
            return p
        }
        p.source = "defaults:\(lvlmFamily ?? architecture.rawValue) at \(imageSize)"
        return p
    }

    /// LLaVA-NeXT and OneVision resize the base image to `(shortest_edge, shortest_edge)` or to
    /// `(height, width)` without keeping the aspect ratio; the later resize to `size` is then a no-op.
    static func baseImageSize(_ size: Size) -> Size {
        if let s = size.shortestEdge { return .exact(height: s, width: s) }
        return size
    }

    /// `LlavaImageProcessor`'s `do_pad` pads to a square before resizing; SinkScope does not, so it says so.
    static func refuseUnreproduced(json: Data, source: String) throws {
        guard case .object(let dict)? = try? JSONDecoder().decode(JSONValue.self, from: json),
              dict["image_processor_type"] == .string("LlavaImageProcessor"), dict["do_pad"] == .bool(true) else { return }
        throw ImageError.badPreprocessorConfig(
            path: source, field: "do_pad",
            problem: "asks LlavaImageProcessor to pad to a square before resizing, which SinkScope does not reproduce; set it to false to resize and center-crop as CLIPImageProcessor does")
    }
}
