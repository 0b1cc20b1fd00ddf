/// Separable convolution resize of 8-bit RGB images that reproduces PIL's `Image.resize`
/// (Pillow `libImaging/Resample.c`) bit for bit:
///
/// 1. per output pixel `i`, the kernel is centred on input coordinate `(i + 0.5) * scale` with
///    `scale = in / out`; when downscaling (`scale > 1`) the kernel is stretched by `scale`
///    (antialiasing), its taps are the input pixels within `support * max(scale, 1)`, and the
///    weights are normalised to sum to 1;
/// 2. weights become fixed-point integers with 22 fractional bits, rounded half away from zero;
/// 3. the horizontal pass runs first and rounds to UInt8 (`(sum + 2^21) >> 22`, clamped), then the
///    vertical pass runs on that 8-bit intermediate; an axis whose size does not change is skipped.
///
/// `Resampler.reference` is the same convolution in Double without intermediate rounding: the
/// "ideal" result the fixed-point path approximates (used in tests to bound its error).
enum Resampler {
    /// Fractional bits of the fixed-point weights: 32 bits - 8 for the pixel - 2 for overshoot.
    static let precisionBits = 22

    /// Taps of one axis: output `i` reads `count[i]` inputs starting at `start[i]`,
    /// with weights `weights[i * taps ..< i * taps + count[i]]`.
    struct Kernel {
        let taps: Int
        let start: [Int]
        let count: [Int]
        let weights: [Double]

        /// - Complexity: O(outSize * taps).
        init(inSize: Int, outSize: Int, filter: ResampleFilter) {
            // PIL's box coordinates are C floats; the size difference is exact for any real image.
            let scale = Double(Float(inSize)) / Double(outSize)
            let filterScale = max(scale, 1)
            let support = filter.support * filterScale
            let inverseScale = 1.0 / filterScale  // PIL multiplies by the reciprocal; keep its rounding
            let taps = Int(support.rounded(.up)) * 2 + 1
            var start = [Int](repeating: 0, count: outSize)
            var count = [Int](repeating: 0, count: outSize)
            var weights = [Double](repeating: 0, count: outSize * taps)
            for i in 0..<outSize {
                let center = (Double(i) + 0.5) * scale
                // Int(_:) truncates toward zero like PIL's (int) cast; these are PIL's rounding steps.
                let lo = max(Int(center - support + 0.5), 0)
                let hi = min(Int(center + support + 0.5), inSize)
                let n = max(hi - lo, 0)
                var total = 0.0
                for t in 0..<n {
                    let w = filter.weight((Double(t + lo) - center + 0.5) * inverseScale)
                    weights[i * taps + t] = w
                    total += w
                }
                if total != 0 { for t in 0..<n { weights[i * taps + t] /= total } }
                start[i] = lo
                count[i] = n
            }
            self.taps = taps
            self.start = start
            self.count = count
            self.weights = weights
        }

        /// The weights in fixed point (`precisionBits` fractional bits), rounded half away from zero.
        var fixedPoint: [Int32] {
            let one = Double(1 << Resampler.precisionBits)
            return weights.map { w in Int32(w < 0 ? -0.5 + w * one : 0.5 + w * one) }
        }
    }

    /// Resizes `image` to `width x height` exactly as PIL's `image.resize((width, height), filter)`.
    static func resize(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> RGBImage {
        if width == image.width && height == image.height { return image }
        let vertical = Kernel(inSize: image.height, outSize: height, filter: filter)
        var current = image
        var rowOffset = 0
        if width != image.width {
            // Only the input rows the vertical pass will read are resampled horizontally.
            let first = vertical.start[0]
            let last = vertical.start[height - 1] + vertical.count[height - 1]
            current = horizontalPass(image, rows: first..<last, kernel: Kernel(inSize: image.width, outSize: width, filter: filter))
            rowOffset = first
        }
        if height != image.height {
            current = verticalPass(current, rowOffset: rowOffset, kernel: vertical, outHeight: height)
        }
        return current
    }

    /// Rounds a fixed-point sum to a pixel: PIL's `clip8`.
    @inline(__always) private static func clip8(_ sum: Int) -> UInt8 {
        UInt8(clamping: sum >> precisionBits)
    }

    private static func horizontalPass(_ image: RGBImage, rows: Range<Int>, kernel: Kernel) -> RGBImage {
        let outW = kernel.start.count, inW = image.width
        let k = kernel.fixedPoint, taps = kernel.taps, half = 1 << (precisionBits - 1)
        var out = [UInt8](repeating: 0, count: outW * rows.count * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (r, y) in rows.enumerated() {
                    for x in 0..<outW {
                        var s0 = half, s1 = half, s2 = half
                        let lo = kernel.start[x]
                        for t in 0..<kernel.count[x] {
                            let w = Int(k[x * taps + t]), p = (y * inW + lo + t) * 3
                            s0 += Int(src[p]) * w; s1 += Int(src[p + 1]) * w; s2 += Int(src[p + 2]) * w
                        }
                        let o = (r * outW + x) * 3
                        dst[o] = clip8(s0); dst[o + 1] = clip8(s1); dst[o + 2] = clip8(s2)
                    }
                }
            }
        }
        return RGBImage(validated: outW, height: rows.count, pixels: out)
    }

    /// `image` holds the input rows starting at `rowOffset`.
    private static func verticalPass(_ image: RGBImage, rowOffset: Int, kernel: Kernel, outHeight: Int) -> RGBImage {
        let w = image.width
        let k = kernel.fixedPoint, taps = kernel.taps, half = 1 << (precisionBits - 1)
        var out = [UInt8](repeating: 0, count: w * outHeight * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<outHeight {
                    let lo = kernel.start[y] - rowOffset, n = kernel.count[y]
                    for c in 0..<(w * 3) {
                        var s = half
                        for t in 0..<n { s += Int(src[(lo + t) * w * 3 + c]) * Int(k[y * taps + t]) }
                        dst[y * w * 3 + c] = clip8(s)
                    }
                }
            }
        }
        return RGBImage(validated: w, height: outHeight, pixels: out)
    }

    /// The same separable convolution in Double, without fixed point or 8-bit rounding: each pass
    /// is clamped to 0–255 (as PIL's 8-bit intermediate is) but not rounded.
    /// Returns `[height, width, 3]` values in 0–255.
    static func reference(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> [Double] {
        let kx = Kernel(inSize: image.width, outSize: width, filter: filter)
        let ky = Kernel(inSize: image.height, outSize: height, filter: filter)
        var tmp = [Double](repeating: 0, count: width * image.height * 3)
        for y in 0..<image.height {
            for x in 0..<width {
                for t in 0..<kx.count[x] {
                    let w = kx.weights[x * kx.taps + t], p = (y * image.width + kx.start[x] + t) * 3
                    for c in 0..<3 { tmp[(y * width + x) * 3 + c] += w * Double(image.pixels[p + c]) }
                }
            }
        }
        tmp = tmp.map { min(max($0, 0), 255) }
        var out = [Double](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            for t in 0..<ky.count[y] {
                let w = ky.weights[y * ky.taps + t], row = ky.start[y] + t
                for i in 0..<(width * 3) { out[y * width * 3 + i] += w * tmp[row * width * 3 + i] }
            }
        }
        return out.map { min(max($0, 0), 255) }
    }
}
