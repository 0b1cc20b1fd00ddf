/// Turns a decoded image into the model's input tensor, the way Hugging Face's (PIL-based,
/// "slow") image processors do: resize → center crop → rescale → normalise.
///
/// - resize: `size.shortest_edge = s` scales the shorter side to `s` and the longer to
///   `Int(s * long / short)` (truncated, as HF); `size = {height, width}` resizes to exactly that.
///   The filter reproduces PIL's `Image.resize` bit for bit (see `Resampler`).
/// - center crop to `crop_size` (offsets floor((in - crop) / 2); a side smaller than the crop
///   is padded with black, as HF).
/// - rescale by `rescale_factor` (1/255) and normalise `(x - mean) / std` per channel in Float32.
///
/// **Pass-through** (a deliberate difference from HF): when `pass_through_at_target_size` is on
/// and the image already has the final size (the crop size, or the exact resize size when there
/// is no crop), resize and crop are skipped, so a 224x224 image reaches a 224-input model
/// untouched. HF would upscale it to 256 and crop the centre back to 224.
///
/// Codable with HF's key names, so the manifest records exactly what ran:
///
///     let pre = try Preprocessor.load(modelDirectory: folder, architecture: "dinov2")
///     let x = pre.pixels(image)          // [3, H, W] Float, CHW
public struct Preprocessor: Codable, Sendable, Equatable {
    /// Hugging Face's size dictionary: either `shortest_edge`, or `height` and `width`.
    public struct Size: Codable, Sendable, Equatable {
        public var shortestEdge: Int?
        public var height: Int?
        public var width: Int?

        public static func shortest(_ s: Int) -> Size { Size(shortestEdge: s, height: nil, width: nil) }
        public static func exact(height: Int, width: Int) -> Size { Size(shortestEdge: nil, height: height, width: width) }

        enum CodingKeys: String, CodingKey {
            case shortestEdge = "shortest_edge", height, width
        }
    }

    public var doResize: Bool
    public var size: Size
    public var resample: ResampleFilter
    public var doCenterCrop: Bool
    /// Always `height` and `width`.
    public var cropSize: Size
    public var doRescale: Bool
    public var rescaleFactor: Double
    public var doNormalize: Bool
    /// Per channel R, G, B.
    public var imageMean: [Double]
    public var imageStd: [Double]
    public var passThroughAtTargetSize: Bool
    /// Where the settings came from: a `preprocessor_config.json` path or `defaults:<architecture>`.
    public var source: String
    /// Resize in float without 8-bit rounding, as HF's torchvision-backed processors do (DINOv3), instead
    /// of PIL's bit-exact 8-bit resize (`Preprocessor+FloatResize.swift`). Recorded in the manifest's
    /// `resample` entry; not an HF key.
    public var resizeInFloat = false

    enum CodingKeys: String, CodingKey {
        case doResize = "do_resize", size, resample, doCenterCrop = "do_center_crop", cropSize = "crop_size"
        case doRescale = "do_rescale", rescaleFactor = "rescale_factor", doNormalize = "do_normalize"
        case imageMean = "image_mean", imageStd = "image_std"
        case passThroughAtTargetSize = "pass_through_at_target_size", source
    }

    // MARK: - Geometry

    /// The size after resizing (before the crop) of a `width x height` input.
    public func resizedSize(width: Int, height: Int) -> (width: Int, height: Int) {
        guard doResize else { return (width, height) }
        if let s = size.shortestEdge {
            // HF get_resize_output_image_size: int(s * long / short), Python true division.
            let short = min(width, height), long = max(width, height)
            let newLong = Int(Double(s * long) / Double(short))
            return width <= height ? (s, newLong) : (newLong, s)
        }
        return (size.width ?? width, size.height ?? height)
    }

    /// The final size, i.e. the width and height of the tensor `pixels` returns for this input.
    public func outputSize(width: Int, height: Int) -> (width: Int, height: Int) {
        if let target = targetSize, passThroughAtTargetSize, target == (width, height) { return target }
        if doCenterCrop, let w = cropSize.width, let h = cropSize.height { return (w, h) }
        return resizedSize(width: width, height: height)
    }

    /// The fixed final size, when the settings have one (a crop, or an exact resize).
    public var targetSize: (width: Int, height: Int)? {
        if doCenterCrop, let w = cropSize.width, let h = cropSize.height { return (w, h) }
        if doResize, let w = size.width, let h = size.height { return (w, h) }
        return nil
    }

    /// Resize and center crop: the 8-bit image the normalisation step sees.
    public func geometry(_ image: RGBImage) -> RGBImage {
        if passThroughAtTargetSize, let target = targetSize, target == (image.width, image.height) {
            return image
        }
        let r = resizedSize(width: image.width, height: image.height)
        var out = Resampler.resize(image, width: r.width, height: r.height, filter: resample)
        if doCenterCrop, let w = cropSize.width, let h = cropSize.height, (w, h) != (out.width, out.height) {
            out = out.cropped(left: Self.floorHalf(out.width - w), top: Self.floorHalf(out.height - h), width: w, height: h)
        }
        return out
    }

    // MARK: - Tensor

    /// The model input for `image`: `[3, H, W]` Float32, channel-major (CHW), H x W = `outputSize`.
    ///
    /// Each value is `(Float(p * rescale_factor) - mean[c]) / std[c]` with the product in Double
    /// and the rest in Float32, the order and precisions of HF's numpy code.
    public func pixels(_ image: RGBImage) -> [Float] {
        if resizeInFloat { return floatPixels(image) }
        let g = geometry(image)
        let plane = g.width * g.height
        let mean = (0..<3).map { Float(imageMean[$0]) }, std = (0..<3).map { Float(imageStd[$0]) }
        var out = [Float](repeating: 0, count: 3 * plane)
        g.pixels.withUnsafeBufferPointer { src in
            for i in 0..<plane {
                for c in 0..<3 {
                    let p = Double(src[i * 3 + c])
                    var v = doRescale ? Float(p * rescaleFactor) : Float(p)
                    if doNormalize { v = (v - mean[c]) / std[c] }
                    out[c * plane + i] = v
                }
            }
        }
        return out
    }

    /// Python's `a // 2` (floor division, also for negative `a`).
    static func floorHalf(_ a: Int) -> Int { a >= 0 ? a / 2 : -((-a + 1) / 2) }
}
