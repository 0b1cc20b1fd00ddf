/// Separable convolution resize of 8-bit RGB images that reproduces PIL's `Image.resize`
/// (Pillow `libImaging/Resample.c`) bit for bit:
///
/// 1. per output pixel `i`, the kernel is centred on input coordinate `(i + 0.5) * scale` with
///    `scale = in / out`; when downscaling (`scale > 1`) the kernel is stretched by `scale`
///    (antialiasing), its taps are the input pixels within `support * max(scale, 1)`, and the
///    weights are normalised to sum to 1;
/// 2. weights become fixed-point integers with 22 fractional bits, rounded half away from zero;
/// 3. one pass rounds to UInt8 (`(sum + 2^21) >> 22`, clamped) and the other runs on that 8-bit
///    intermediate; an axis whose size does not change is skipped. The horizontal pass runs first,
///    except when the height is reduced by more than twice as many pixels as the width
///    (`inH - outH > 2 * (inW - outW)`, with `outH < inH`): then Pillow 13 (python-pillow/Pillow#9549)
///    runs the vertical pass first. The order changes the 8-bit intermediate, so it must match:
///    e.g. 190x150 -> 196x140 (height shrinks, width grows) is vertical-first. Pillow < 13 always
///    ran horizontal-first; SinkScope follows the Pillow that HF's processors use here (13).
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
        if width != image.width && verticalFirst(inWidth: image.width, inHeight: image.height, outWidth: width, outHeight: height) {
            let tall = verticalPass(image, rowOffset: 0, kernel: vertical, outHeight: height)
            return horizontalPass(tall, rows: 0..<height, kernel: Kernel(inSize: image.width, outSize: width, filter: filter))
        }
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

    /// Whether Pillow (13+) runs the vertical pass before the horizontal one: when the height is
    /// scaled down by more than twice as many pixels as the width.
    static func verticalFirst(inWidth: Int, inHeight: Int, outWidth: Int, outHeight: Int) -> Bool {
        outHeight < inHeight && inHeight - outHeight > 2 * (inWidth - outWidth)
    }

    /// Rounds a fixed-point sum to a pixel: PIL's `clip8`.
    @inline(__always) private static func clip8(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> Int32(precisionBits))
    }

    // Both passes sum in Int32 as Pillow's C does (`int ss`), with wrapping arithmetic: the weights
    // leave 2 bits of headroom, so no sum of 8-bit pixels overflows, and integer sums are exact in any
    // order. That lets them run as SIMD: the horizontal pass widens each row once to 4 lanes per pixel
    // (r, g, b, 0) and adds a tap with one multiply-add; the vertical pass adds whole input rows, weight
    // by weight, into a row of sums. Scalar loops over three interleaved channels were 3 % of a DINOv2-S
    // extraction's CPU, on the thread that decodes the next batch beside the forward.

    private static func horizontalPass(_ image: RGBImage, rows: Range<Int>, kernel: Kernel) -> RGBImage {
        let outW = kernel.start.count, inW = image.width
        let k = kernel.fixedPoint, taps = kernel.taps, half = Int32(1 << (precisionBits - 1))
        var out = [UInt8](repeating: 0, count: outW * rows.count * 3)
        var wide = [SIMD4<Int32>](repeating: .zero, count: inW)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                wide.withUnsafeMutableBufferPointer { line in
                    k.withUnsafeBufferPointer { k in
                        kernel.start.withUnsafeBufferPointer { start in
                            kernel.count.withUnsafeBufferPointer { count in
                                for (r, y) in rows.enumerated() {
                                    let row = y * inW * 3
                                    for x in 0..<inW {
                                        let p = row + x * 3
                                        line[x] = SIMD4(Int32(src[p]), Int32(src[p + 1]), Int32(src[p + 2]), 0)
                                    }
                                    for x in 0..<outW {
                                        var s = SIMD4<Int32>(repeating: half)
                                        let lo = start[x], weights = x * taps
                                        for t in 0..<count[x] { s &+= line[lo + t] &* k[weights + t] }
                                        let o = (r * outW + x) * 3
                                        dst[o] = clip8(s[0]); dst[o + 1] = clip8(s[1]); dst[o + 2] = clip8(s[2])
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(validated: outW, height: rows.count, pixels: out)
    }

    /// `image` holds the input rows starting at `rowOffset`.
    private static func verticalPass(_ image: RGBImage, rowOffset: Int, kernel: Kernel, outHeight: Int) -> RGBImage {
        let n = image.width * 3
        let k = kernel.fixedPoint, taps = kernel.taps, half = Int32(1 << (precisionBits - 1))
        var out = [UInt8](repeating: 0, count: n * outHeight)
        var sums = [Int32](repeating: 0, count: n)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { sums in
                    for y in 0..<outHeight {
                        let lo = kernel.start[y] - rowOffset
                        for c in 0..<n { sums[c] = half }
                        for t in 0..<kernel.count[y] {
                            let w = k[y * taps + t], input = src.baseAddress! + (lo + t) * n
                            for c in 0..<n { sums[c] &+= Int32(input[c]) &* w }
                        }
                        for c in 0..<n { dst[y * n + c] = clip8(sums[c]) }
                    }
                }
            }
        }
        return RGBImage(validated: image.width, height: outHeight, pixels: out)
    }

    /// The same separable convolution in Double, without fixed point or 8-bit rounding, in the same
    /// pass order as `resize`: the first pass is clamped to 0–255 (as PIL's 8-bit intermediate is)
    /// but not rounded. Returns `[height, width, 3]` values in 0–255.
    static func reference(_ image: RGBImage, width: Int, height: Int, filter: ResampleFilter) -> [Double] {
        let kx = Kernel(inSize: image.width, outSize: width, filter: filter)
        let ky = Kernel(inSize: image.height, outSize: height, filter: filter)
        let input = image.pixels.map(Double.init)
        // [h, w, 3] -> [h, outW, 3]
        func horizontal(_ src: [Double], w: Int, h: Int) -> [Double] {
            var out = [Double](repeating: 0, count: width * h * 3)
            for y in 0..<h {
                for x in 0..<width {
                    for t in 0..<kx.count[x] {
                        let wt = kx.weights[x * kx.taps + t], p = (y * w + kx.start[x] + t) * 3
                        for c in 0..<3 { out[(y * width + x) * 3 + c] += wt * src[p + c] }
                    }
                }
            }
            return out
        }
        // [inH, w, 3] -> [outH, w, 3]
        func vertical(_ src: [Double], w: Int) -> [Double] {
            var out = [Double](repeating: 0, count: w * height * 3)
            for y in 0..<height {
                for t in 0..<ky.count[y] {
                    let wt = ky.weights[y * ky.taps + t], row = ky.start[y] + t
                    for i in 0..<(w * 3) { out[y * w * 3 + i] += wt * src[row * w * 3 + i] }
                }
            }
            return out
        }
        func clamp(_ v: [Double]) -> [Double] { v.map { min(max($0, 0), 255) } }
        if verticalFirst(inWidth: image.width, inHeight: image.height, outWidth: width, outHeight: height) {
            return clamp(horizontal(clamp(vertical(input, w: image.width)), w: image.width, h: height))
        }
        return clamp(vertical(clamp(horizontal(input, w: image.width, h: image.height)), w: width))
    }
}
