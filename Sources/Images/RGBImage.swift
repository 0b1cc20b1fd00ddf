/// An 8-bit RGB image held in memory: what a decoded photo becomes, what preprocessing reads and
/// what a heatmap overlay draws under its grid. The package's one raster type.
///
/// Layout: row-major, channels interleaved (`HWC`): the pixel at column `x`, row `y` has its red,
/// green and blue values at `pixels[(y * width + x) * 3 + 0, 1, 2]`. There is no alpha channel:
/// decoders drop it (see `ImageDecoder`).
public struct RGBImage: Sendable, Equatable, Hashable {
    public let width: Int
    public let height: Int
    /// `[height, width, 3]` interleaved RGB, 0–255.
    public private(set) var pixels: [UInt8]

    /// - Throws: `ImageError.invalidRaster` unless both sides are positive and
    ///   `pixels.count == width * height * 3`.
    public init(width: Int, height: Int, pixels: [UInt8]) throws {
        guard width > 0, height > 0 else {
            throw ImageError.invalidRaster(reason: "a \(width)x\(height) image needs two positive sides")
        }
        guard pixels.count == width * height * 3 else {
            throw ImageError.invalidRaster(
                reason: "a \(width)x\(height) RGB image needs \(width * height * 3) pixel values, got \(pixels.count)")
        }
        self.init(validated: width, height: height, pixels: pixels)
    }

    /// For callers in this module that built `pixels` themselves with the right count.
    init(validated width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image filled with one colour (sides below 1 are raised to 1).
    public init(width: Int, height: Int, fill: RGB = .black) {
        let w = max(width, 1), h = max(height, 1)
        var p = [UInt8](repeating: 0, count: w * h * 3)
        for i in stride(from: 0, to: p.count, by: 3) { p[i] = fill.r; p[i + 1] = fill.g; p[i + 2] = fill.b }
        self.init(validated: w, height: h, pixels: p)
    }

    /// The colour at column `x`, row `y` (0-based, no bounds check beyond the array's).
    public subscript(x: Int, y: Int) -> RGB {
        let i = (y * width + x) * 3
        return RGB(pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// The rectangle `[top, top+height) x [left, left+width)`; parts outside the image are black
    /// (this is how Hugging Face's `center_crop` pads an image smaller than the crop).
    public func cropped(left: Int, top: Int, width w: Int, height h: Int) -> RGBImage {
        let w = max(w, 1), h = max(h, 1)
        var out = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let sy = top + y
            guard sy >= 0, sy < height else { continue }
            for x in 0..<w {
                let sx = left + x
                guard sx >= 0, sx < width else { continue }
                let s = (sy * width + sx) * 3, d = (y * w + x) * 3
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return RGBImage(validated: w, height: h, pixels: out)
    }
}
