import CGD

/// An 8-bit RGB raster: `pixels` is `[height, width, 3]` row-major, interleaved R, G, B.
/// It is what a heatmap overlay draws under its grid, and what a decoded PNG becomes.
public struct RGBImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// - Throws: `PlottingError.shapeMismatch` unless `pixels.count == width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0, width <= Canvas.maxSide, height <= Canvas.maxSide else {
            throw PlottingError.invalidParameter(
                name: "image size", value: "\(width)x\(height)", expected: "1...\(Canvas.maxSide) per side")
        }
        guard pixels.count == width * height * 3 else {
            throw PlottingError.shapeMismatch(
                what: "RGB pixels of a \(width)x\(height) image", expected: width * height * 3, got: pixels.count)
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Decodes PNG bytes with libgd (`gdImageCreateFromPngPtr`); alpha is dropped.
    /// - Throws: `PlottingError.pngDecodingFailed` when libgd rejects the bytes.
    public init(png: [UInt8]) throws {
        guard !png.isEmpty, png.count < Int(Int32.max) else {
            throw PlottingError.pngDecodingFailed(bytes: png.count)
        }
        var bytes = png
        let decoded = bytes.withUnsafeMutableBytes { gdImageCreateFromPngPtr(Int32($0.count), $0.baseAddress) }
        guard let im = decoded else { throw PlottingError.pngDecodingFailed(bytes: png.count) }
        defer { gdImageDestroy(im) }
        let w = Int(im.pointee.sx), h = Int(im.pointee.sy)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            for x in 0..<w {
                // gdImageGetTrueColorPixel also resolves palette images.
                let p = UInt32(bitPattern: gdImageGetTrueColorPixel(im, Int32(x), Int32(y)))
                let i = (y * w + x) * 3
                out[i] = UInt8((p >> 16) & 0xFF)
                out[i + 1] = UInt8((p >> 8) & 0xFF)
                out[i + 2] = UInt8(p & 0xFF)
            }
        }
        try self.init(width: w, height: h, pixels: out)
    }

    /// The colour at column x, row y (0-based, no bounds check beyond the array's).
    public subscript(x: Int, y: Int) -> RGB {
        let i = (y * width + x) * 3
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The image resampled to `width` x `height`: bilinear when enlarging, area average when
    /// shrinking (so a 224 px photo neither aliases when drawn small nor turns into blocks when
    /// large). Separable: rows first, then columns. A uniformly coloured image stays exactly
    /// that colour.
    public func resampled(width: Int, height: Int) -> RGBImage {
        let w = min(Canvas.maxSide, max(1, width)), h = min(Canvas.maxSide, max(1, height))
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
        return RGBImage(unchecked: w, h, out)
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

    /// For sizes and buffers built here, already consistent.
    private init(unchecked width: Int, _ height: Int, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}
