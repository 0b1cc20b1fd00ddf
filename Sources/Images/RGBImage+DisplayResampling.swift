// Display resampling (for figures), distinct from `Resampler`, which reproduces PIL's filters for
// model preprocessing.
extension RGBImage {
    /// The largest side `resampled` produces (the largest canvas a chart draws).
    public static let maxResampledSide = 8192

    /// The image resampled to `width` x `height`: bilinear when enlarging, area average when
    /// shrinking (so a 224 px photo neither aliases when drawn small nor turns into blocks when
    /// large). Separable: rows first, then columns. A uniformly coloured image stays exactly
    /// that colour.
    public func resampled(width: Int, height: Int) -> RGBImage {
        let w = min(Self.maxResampledSide, max(1, width)), h = min(Self.maxResampledSide, max(1, height))
        if w == self.width && h == self.height { return self }
        let xs = Self.weights(from: self.width, to: w), ys = Self.weights(from: self.height, to: h)
        // Horizontal pass: [self.height, w, 3].
        var wide = [Float](repeating: 0, count: self.height * w * 3)
        pixels.withUnsafeBufferPointer { src in
            wide.withUnsafeMutableBufferPointer { dst in
                for y in 0..<self.height {
                    let row = y * self.width * 3, out = y * w * 3
                    for (x, taps) in xs.enumerated() {
                        var r: Float = 0, g: Float = 0, b: Float = 0
                        for (sx, k) in taps {
                            let i = row + sx * 3
                            r += Float(src[i]) * k; g += Float(src[i + 1]) * k; b += Float(src[i + 2]) * k
                        }
                        dst[out + x * 3] = r; dst[out + x * 3 + 1] = g; dst[out + x * 3 + 2] = b
                    }
                }
            }
        }
        // Vertical pass into bytes.
        var out = [UInt8](repeating: 0, count: w * h * 3)
        wide.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (y, taps) in ys.enumerated() {
                    for i in 0..<(w * 3) {
                        var v: Float = 0
                        for (sy, k) in taps { v += src[sy * w * 3 + i] * k }
                        dst[y * w * 3 + i] = UInt8(min(255, max(0, v + 0.5)))
                    }
                }
            }
        }
        return RGBImage(validated: w, height: h, pixels: out)
    }

    /// For each destination index, the source indices and weights (summing to 1) along one axis.
    static func weights(from n: Int, to m: Int) -> [[(Int, Float)]] {
        let ratio = Double(n) / Double(m)
        return (0..<m).map { j in
            if ratio <= 1 {  // enlarge: linear interpolation between the two nearest centres
                let u = min(Double(n - 1), max(0, (Double(j) + 0.5) * ratio - 0.5))
                let i0 = Int(u), i1 = min(n - 1, i0 + 1), t = u - Double(i0)
                return t > 0 ? [(i0, Float(1 - t)), (i1, Float(t))] : [(i0, Float(1))]
            }
            // shrink: average the source interval [j, j+1) * ratio, weighted by overlap
            let lo = Double(j) * ratio, hi = lo + ratio
            var out: [(Int, Float)] = []
            for i in Int(lo)..<min(n, Int(hi.rounded(.up))) {
                let c = coverage(Double(i), lo, hi)
                if c > 0 { out.append((i, Float(c / ratio))) }
            }
            return out
        }
    }
}

/// Length of [lo, hi] ∩ [p, p + 1]: how much of pixel p a span covers.
@inline(__always)
private func coverage(_ p: Double, _ lo: Double, _ hi: Double) -> Double {
    max(0, min(p + 1, hi) - max(p, lo))
}
