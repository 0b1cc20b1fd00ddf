/// HF's torchvision-backed ("fast") image processors, as `DINOv3ViTImageProcessor` in transformers 5:
/// rescale to [0, 1] in float, resize with `antialias=True` on the float tensor, normalise. The resize
/// is PIL's separable convolution (same support, same normalised weights) without PIL's 8-bit rounding
/// after each pass, so the PIL-exact path (`Resampler.resize`) is up to one 8-bit step away from it:
/// 0.017 after ImageNet normalisation. This path runs that convolution in Double (`Resampler.reference`)
/// and rounds nothing, which matches torchvision to float rounding (~1e-6) for filters with
/// non-negative weights (bilinear, box): `reference` clamps to 0…255 between the passes, which can only
/// matter for bicubic and Lanczos overshoot.
extension Preprocessor {
    /// The model input for `image` through the float path: `[3, H, W]` Float32, CHW, H x W = `outputSize`.
    func floatPixels(_ image: RGBImage) -> [Float] {
        var (w, h) = (image.width, image.height)
        var values: [Double]                                         // [h, w, 3], 0…255
        let passThrough = passThroughAtTargetSize && targetSize.map { $0 == (w, h) } == true
        let r = resizedSize(width: w, height: h)
        if passThrough || r == (w, h) {
            values = image.pixels.map(Double.init)
        } else {
            values = Resampler.reference(image, width: r.width, height: r.height, filter: resample)
            (w, h) = r
        }
        if !passThrough, doCenterCrop, let cw = cropSize.width, let ch = cropSize.height, (cw, ch) != (w, h) {
            // Offsets and black padding as `geometry` crops the 8-bit image.
            let left = Self.floorHalf(w - cw), top = Self.floorHalf(h - ch)
            var cropped = [Double](repeating: 0, count: cw * ch * 3)
            for y in 0..<ch where (0..<h).contains(top + y) {
                for x in 0..<cw where (0..<w).contains(left + x) {
                    for c in 0..<3 { cropped[(y * cw + x) * 3 + c] = values[((top + y) * w + left + x) * 3 + c] }
                }
            }
            (values, w, h) = (cropped, cw, ch)
        }
        let plane = w * h
        let mean = (0..<3).map { Float(imageMean[$0]) }, std = (0..<3).map { Float(imageStd[$0]) }
        var out = [Float](repeating: 0, count: 3 * plane)
        for i in 0..<plane {
            for c in 0..<3 {
                var v = doRescale ? Float(values[i * 3 + c] * rescaleFactor) : Float(values[i * 3 + c])
                if doNormalize { v = (v - mean[c]) / std[c] }
                out[c * plane + i] = v
            }
        }
        return out
    }
}
