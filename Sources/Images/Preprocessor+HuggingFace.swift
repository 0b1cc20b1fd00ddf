import Foundation

/// Architecture defaults and reading Hugging Face `preprocessor_config.json` files.
extension Preprocessor {
    /// The processors SinkScope knows defaults for, with HF's own defaults for each
    /// (`BitImageProcessor` as configured by facebook/dinov2-*, `CLIPImageProcessor`, `ViTImageProcessor`).
    public enum Architecture: String, CaseIterable, Sendable {
        case dinov2, clip, vit, siglip, internvl

        /// Accepts a short name, an HF `model_type` or an HF class name, case-insensitively.
        public init?(name: String) {
            switch name.lowercased() {
            case "dinov2", "dinov2model", "dinov2_model", "dinov2_with_registers", "dinov2withregistersmodel": self = .dinov2
            case "siglip", "siglip_vision_model", "siglipvisionmodel": self = .siglip
            case "internvl", "internvl_vision", "internvlvisionmodel": self = .internvl
            case "clip", "clip_vision_model", "clipvisionmodel", "clipmodel", "clip_model": self = .clip
            case "vit", "vitmodel", "vit_model": self = .vit
            default: return nil
            }
        }

        /// How HF reads a bare integer `size`: a square (ViT) or a shortest edge (CLIP, DINOv2).
        var intSizeIsSquare: Bool { self == .vit || self == .siglip || self == .internvl }
    }

    static let imagenetMean = [0.485, 0.456, 0.406]
    static let imagenetStd = [0.229, 0.224, 0.225]
    static let clipMean = [0.48145466, 0.4578275, 0.40821073]
    static let clipStd = [0.26862954, 0.26130258, 0.27577711]

    /// The defaults for `architecture` when the model folder has no `preprocessor_config.json`.
    ///
    /// - DINOv2: shortest edge 256, bicubic, center crop 224, ImageNet mean/std.
    /// - CLIP: shortest edge 224, bicubic, center crop 224, OpenAI CLIP mean/std.
    /// - ViT: resize to 224x224 with **bilinear** (HF `ViTImageProcessor`'s default), no crop, mean/std 0.5.
    public static func defaults(for architecture: Architecture) -> Preprocessor {
        switch architecture {
        case .dinov2:
            return Preprocessor(
                doResize: true, size: .shortest(256), resample: .bicubic, doCenterCrop: true,
                cropSize: .exact(height: 224, width: 224), doRescale: true, rescaleFactor: 1.0 / 255,
                doNormalize: true, imageMean: imagenetMean, imageStd: imagenetStd,
                passThroughAtTargetSize: true, source: "defaults:dinov2")
        case .clip:
            return Preprocessor(
                doResize: true, size: .shortest(224), resample: .bicubic, doCenterCrop: true,
                cropSize: .exact(height: 224, width: 224), doRescale: true, rescaleFactor: 1.0 / 255,
                doNormalize: true, imageMean: clipMean, imageStd: clipStd,
                passThroughAtTargetSize: true, source: "defaults:clip")
        case .vit:
            return Preprocessor(
                doResize: true, size: .exact(height: 224, width: 224), resample: .bilinear, doCenterCrop: false,
                cropSize: .exact(height: 224, width: 224), doRescale: true, rescaleFactor: 1.0 / 255,
                doNormalize: true, imageMean: [0.5, 0.5, 0.5], imageStd: [0.5, 0.5, 0.5],
                passThroughAtTargetSize: true, source: "defaults:vit")
        case .siglip:   // SiglipImageProcessor: squash-resize (no crop), bicubic, mean/std 0.5
            return Preprocessor(
                doResize: true, size: .exact(height: 224, width: 224), resample: .bicubic, doCenterCrop: false,
                cropSize: .exact(height: 224, width: 224), doRescale: true, rescaleFactor: 1.0 / 255,
                doNormalize: true, imageMean: [0.5, 0.5, 0.5], imageStd: [0.5, 0.5, 0.5],
                passThroughAtTargetSize: true, source: "defaults:siglip")
        case .internvl:   // InternVL's base image (no dynamic tiling): 448x448 bicubic, ImageNet statistics
            return Preprocessor(
                doResize: true, size: .exact(height: 448, width: 448), resample: .bicubic, doCenterCrop: false,
                cropSize: .exact(height: 448, width: 448), doRescale: true, rescaleFactor: 1.0 / 255,
                doNormalize: true, imageMean: imagenetMean, imageStd: imagenetStd,
                passThroughAtTargetSize: true, source: "defaults:internvl")
        }
    }

    /// The defaults for an architecture given by name (`dinov2`, `clip_vision_model`, `ViTModel`...).
    ///
    /// - Throws: `ImageError.unknownArchitecture` listing the known names.
    public static func defaults(architecture name: String) throws -> Preprocessor {
        guard let a = Architecture(name: name) else {
            throw ImageError.unknownArchitecture(name: name, known: Architecture.allCases.map(\.rawValue))
        }
        return defaults(for: a)
    }

    /// `modelDirectory/preprocessor_config.json` when it exists, otherwise the architecture defaults.
    public static func load(modelDirectory: URL, architecture: String) throws -> Preprocessor {
        guard let arch = Architecture(name: architecture) else {
            throw ImageError.unknownArchitecture(name: architecture, known: Architecture.allCases.map(\.rawValue))
        }
        let file = modelDirectory.appendingPathComponent("preprocessor_config.json")
        guard FileManager.default.fileExists(atPath: file.path) else { return defaults(for: arch) }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw ImageError.unreadable(path: file.path, reason: "permission denied or I/O error")
        }
        return try huggingFace(json: data, source: file.path, architecture: arch)
    }

    /// Reads an HF image-processor config. Fields it lacks keep the architecture's defaults;
    /// fields SinkScope does not use (`image_processor_type`, `do_convert_rgb`...) are ignored.
    ///
    /// - Throws: `ImageError.badPreprocessorConfig` naming the field, for malformed JSON, a
    ///   `size` form other than `shortest_edge` or `height`/`width`, NEAREST resampling,
    ///   non-positive sizes or std, or mean/std without 1 or 3 values.
    public static func huggingFace(json data: Data, source: String, architecture: Architecture) throws -> Preprocessor {
        try huggingFace(json: data, source: source, over: defaults(for: architecture), intSizeIsSquare: architecture.intSizeIsSquare)
    }

    /// Reads an HF image-processor config over `base`, whose settings stand for fields the file lacks;
    /// `intSizeIsSquare` says how a bare integer `size` reads (HF's `default_to_square`).
    static func huggingFace(json data: Data, source: String, over base: Preprocessor, intSizeIsSquare: Bool) throws -> Preprocessor {
        func bad(_ field: String, _ problem: String) -> ImageError {
            .badPreprocessorConfig(path: source, field: field, problem: problem)
        }
        guard let parsed = try? JSONDecoder().decode(JSONValue.self, from: data), case .object(let dict) = parsed else {
            throw bad("(file)", "is not a JSON object")
        }
        var p = base
        p.source = source
        func value(_ key: String) -> JSONValue? {
            guard let v = dict[key], v != .null else { return nil }
            return v
        }
        func bool(_ key: String) throws -> Bool? {
            guard let v = value(key) else { return nil }
            guard case .bool(let b) = v else { throw bad(key, "must be true or false, found \(v)") }
            return b
        }
        func numbers(_ key: String) throws -> [Double]? {
            guard let v = value(key) else { return nil }
            let list: [JSONValue]
            if case .array(let a) = v { list = a } else { list = [v] }
            let values = list.compactMap { item -> Double? in
                if case .number(let d) = item, d.isFinite { return d }
                return nil
            }
            guard values.count == list.count, values.count == 1 || values.count == 3 else {
                throw bad(key, "must be one number or a list of 3 numbers, found \(v)")
            }
            return values.count == 1 ? Array(repeating: values[0], count: 3) : values
        }
        func size(_ key: String, intIsSquare: Bool) throws -> Size? {
            guard let v = value(key) else { return nil }
            if let n = v.positiveInt(limit: 16384) { return intIsSquare ? .exact(height: n, width: n) : .shortest(n) }
            if case .object(let d) = v {
                if d.count == 1, let s = d["shortest_edge"]?.positiveInt(limit: 16384) { return .shortest(s) }
                if d.count == 2, let h = d["height"]?.positiveInt(limit: 16384), let w = d["width"]?.positiveInt(limit: 16384) {
                    return .exact(height: h, width: w)
                }
            }
            throw bad(key, "must be {\"shortest_edge\": N} or {\"height\": H, \"width\": W} with sizes 1...16384, found \(v)")
        }

        p.doResize = try bool("do_resize") ?? p.doResize
        p.size = try size("size", intIsSquare: intSizeIsSquare) ?? p.size
        if let v = value("resample") {
            guard let code = v.positiveInt(limit: 5), let f = ResampleFilter(rawValue: code) else {
                throw bad("resample", "must be a PIL filter code 1 (lanczos), 2 (bilinear), 3 (bicubic), 4 (box) or 5 (hamming), found \(v)")
            }
            p.resample = f
        }
        p.doCenterCrop = try bool("do_center_crop") ?? p.doCenterCrop
        if let crop = try size("crop_size", intIsSquare: true) {
            guard crop.shortestEdge == nil else { throw bad("crop_size", "must give height and width, not shortest_edge") }
            p.cropSize = crop
        }
        p.doRescale = try bool("do_rescale") ?? p.doRescale
        if let r = try numbers("rescale_factor") {
            guard r[0] > 0 else { throw bad("rescale_factor", "must be positive, found \(r[0])") }
            p.rescaleFactor = r[0]
        }
        p.doNormalize = try bool("do_normalize") ?? p.doNormalize
        p.imageMean = try numbers("image_mean") ?? p.imageMean
        p.imageStd = try numbers("image_std") ?? p.imageStd
        guard p.imageStd.allSatisfy({ $0 > 0 }) else { throw bad("image_std", "must be positive, found \(p.imageStd)") }
        return p
    }

    /// The settings as text for the store manifest's `preprocessing` map.
    public var manifestEntry: [String: String] {
        func sizeText(_ s: Size) -> String {
            if let e = s.shortestEdge { return "shortest_edge=\(e)" }
            return "\(s.height ?? 0)x\(s.width ?? 0)"
        }
        func list(_ v: [Double]) -> String { v.map { "\($0)" }.joined(separator: ",") }
        return [
            "decoder": "libgd (alpha dropped, first GIF frame)",
            "resize": doResize ? sizeText(size) : "none",
            "resample": "\(resample.name) " + (resizeInFloat ? "(float, no 8-bit rounding, as torchvision antialias)" : "(PIL-exact fixed point)"),
            "center_crop": doCenterCrop ? sizeText(cropSize) : "none",
            "rescale_factor": doRescale ? "\(rescaleFactor)" : "none",
            "image_mean": doNormalize ? list(imageMean) : "none",
            "image_std": doNormalize ? list(imageStd) : "none",
            "pass_through_at_target_size": "\(passThroughAtTargetSize)",
            "layout": "CHW float32",
            "source": source,
        ]
    }
}
