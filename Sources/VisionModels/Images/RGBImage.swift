/// An 8-bit RGB image held in memory.
///
/// Layout: row-major, channels interleaved (`HWC`): the pixel at column `x`, row `y` has its red,
/// green and blue values at `pixels[(y * width + x) * 3 + 0, 1, 2]`. There is no alpha channel:
/// decoders drop it (see `ImageDecoder`).
public struct RGBImage: Sendable, Equatable, Hashable {
    public let width: Int
    public let height: Int
    /// `[height, width, 3]` interleaved RGB, 0–255.
    public private(set) var pixels: [UInt8]

    /// Returns nil when `pixels.count != width * height * 3` or a side is not positive.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width > 0, height > 0, pixels.count == width * height * 3 else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// For callers that built `pixels` themselves with the right count.
    init(validated width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image filled with one colour.
    public init(width: Int, height: Int, fill: (r: UInt8, g: UInt8, b: UInt8) = (0, 0, 0)) {
        self.width = max(width, 1)
        self.height = max(height, 1)
        var p = [UInt8](repeating: 0, count: self.width * self.height * 3)
        for i in stride(from: 0, to: p.count, by: 3) { p[i] = fill.r; p[i + 1] = fill.g; p[i + 2] = fill.b }
        self.pixels = p
    }

    /// The `(r, g, b)` value at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
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
