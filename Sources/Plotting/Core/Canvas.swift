import Images
import CGD

/// A truecolor libgd image that charts draw on, with exact alpha compositing.
///
/// libgd allocates the pixels, renders FreeType text (anti-aliased, with its own alpha blending
/// switched on) and encodes PNG. Shapes are rasterised here instead: libgd's anti-aliased lines
/// are limited to one pixel width and its 7-bit alpha rounds blends, whereas paper figures need
/// thick anti-aliased strokes and overlays whose blended value can be checked by hand. Every shape
/// computes a per-pixel coverage in 0...1 and composites
/// `out = round(colour * a + background * (1 - a))` with `a = alpha * coverage`.
///
/// Not `Sendable`: one canvas belongs to one `render()` call.
public final class Canvas {
    /// The largest canvas accepted, so a bad size cannot trigger a huge allocation.
    public static let maxSide = 8192

    let image: gdImagePtr
    /// Row pointers into libgd's truecolor buffer: `rows[y][x]` is 0x00RRGGBB (alpha 0 = opaque).
    let rows: [UnsafeMutablePointer<Int32>]
    public let width: Int
    public let height: Int
    /// Shapes are clipped to this rectangle (the whole canvas unless a chart narrows it to the
    /// plot area while drawing data).
    public var clip: Rect

    /// A canvas filled with `background`.
    /// - Parameter dpi: stored in the PNG's pHYs chunk so layout programs size the figure right.
    /// - Throws: `PlottingError.canvasTooLarge` for sizes outside 1...`maxSide`.
    public init(width: Int, height: Int, background: RGB = .white, dpi: Int = 100) throws {
        guard (1...Canvas.maxSide).contains(width), (1...Canvas.maxSide).contains(height),
            let im = gdImageCreateTrueColor(Int32(width), Int32(height))
        else { throw PlottingError.canvasTooLarge(width: width, height: height) }
        image = im
        self.width = width
        self.height = height
        clip = Rect(x: 0, y: 0, width: Double(width), height: Double(height))
        rows = (0..<height).map { im.pointee.tpixels[$0]! }
        gdImageAlphaBlending(im, 1)
        gdImageSaveAlpha(im, 0)
        gdImageSetResolution(im, UInt32(max(1, dpi)), UInt32(max(1, dpi)))
        let fill = Int32(bitPattern: background.hex)
        for y in 0..<height { rows[y].update(repeating: fill, count: width) }
    }

    deinit { gdImageDestroy(image) }

    /// The whole canvas as a rectangle.
    public var bounds: Rect { Rect(x: 0, y: 0, width: Double(width), height: Double(height)) }

    // MARK: - Pixels

    /// The colour at pixel (x, y); nil outside the canvas.
    public func pixel(_ x: Int, _ y: Int) -> RGB? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        return RGB(hex: UInt32(bitPattern: rows[y][x]) & 0xFF_FFFF)
    }

    /// Sets pixel (x, y) to `c` composited with weight `a` (0...1); no clipping: callers clip.
    @inline(__always)
    func blend(_ x: Int, _ y: Int, _ c: RGB, _ a: Double) {
        if a >= 1 {
            rows[y][x] = Int32(bitPattern: c.hex)
            return
        }
        if a <= 0 { return }
        let p = rows[y][x], keep = 1 - a
        let r = Int32(Double(c.r) * a + Double((p >> 16) & 0xFF) * keep + 0.5)
        let g = Int32(Double(c.g) * a + Double((p >> 8) & 0xFF) * keep + 0.5)
        let b = Int32(Double(c.b) * a + Double(p & 0xFF) * keep + 0.5)
        rows[y][x] = r << 16 | g << 8 | b
    }

    /// Integer pixel bounds of `r` intersected with the clip rectangle: x0..<x1, y0..<y1.
    func pixelBounds(_ r: Rect) -> (x0: Int, x1: Int, y0: Int, y1: Int)? {
        let c = r.intersection(clip)
        guard c.width > 0, c.height > 0 else { return nil }
        let x0 = max(0, Int(c.minX.rounded(.down))), x1 = min(width, Int(c.maxX.rounded(.up)))
        let y0 = max(0, Int(c.minY.rounded(.down))), y1 = min(height, Int(c.maxY.rounded(.up)))
        return x0 < x1 && y0 < y1 ? (x0, x1, y0, y1) : nil
    }

    // MARK: - Rectangles

    /// Fills `rect`; pixels the edges cut partially get the covered fraction (anti-aliased edges).
    public func fill(_ rect: Rect, _ color: RGB, alpha: Double = 1) {
        let r = rect.intersection(clip)
        guard let b = pixelBounds(r) else { return }
        let columns = (b.x0..<b.x1).map { coverage(Double($0), r.minX, r.maxX) }
        for y in b.y0..<b.y1 {
            let cy = coverage(Double(y), r.minY, r.maxY) * alpha
            for x in b.x0..<b.x1 { blend(x, y, color, columns[x - b.x0] * cy) }
        }
    }

    /// The outline of `rect`, `lineWidth` pixels thick, drawn inside the rectangle.
    public func stroke(_ rect: Rect, _ color: RGB, lineWidth: Double = 1, alpha: Double = 1) {
        let w = min(lineWidth, rect.width / 2, rect.height / 2)
        fill(Rect(x: rect.minX, y: rect.minY, width: rect.width, height: w), color, alpha: alpha)
        fill(Rect(x: rect.minX, y: rect.maxY - w, width: rect.width, height: w), color, alpha: alpha)
        let inner = rect.height - 2 * w
        fill(Rect(x: rect.minX, y: rect.minY + w, width: w, height: inner), color, alpha: alpha)
        fill(Rect(x: rect.maxX - w, y: rect.minY + w, width: w, height: inner), color, alpha: alpha)
    }

    /// A crisp horizontal line: its thickness is rounded to whole pixels and centred on `y`
    /// snapped to the pixel grid, so axes and ticks are never blurred across two rows.
    public func hLine(y: Double, from x0: Double, to x1: Double, _ color: RGB, lineWidth: Double = 1) {
        let w = max(1, lineWidth.rounded())
        let top = (y - w / 2).rounded()
        fill(Rect(x: min(x0, x1), y: top, width: abs(x1 - x0), height: w), color)
    }

    /// The vertical twin of `hLine`.
    public func vLine(x: Double, from y0: Double, to y1: Double, _ color: RGB, lineWidth: Double = 1) {
        let w = max(1, lineWidth.rounded())
        let left = (x - w / 2).rounded()
        fill(Rect(x: left, y: min(y0, y1), width: w, height: abs(y1 - y0)), color)
    }

    // MARK: - PNG

    /// The canvas as PNG bytes. libgd writes no timestamp, so equal pixels give equal bytes.
    /// - Parameter compression: zlib level 0...9 (6 is matplotlib's and libpng's default).
    public func png(compression: Int = 6) throws -> [UInt8] {
        var size: Int32 = 0
        guard let data = gdImagePngPtrEx(image, &size, Int32(max(0, min(9, compression)))),
            size > 0
        else { throw PlottingError.pngEncodingFailed }
        defer { gdFree(data) }
        return Array(UnsafeRawBufferPointer(start: data, count: Int(size)))
    }
}

/// Length of [lo, hi] ∩ [p, p + 1]: how much of pixel p a span covers.
@inline(__always)
func coverage(_ p: Double, _ lo: Double, _ hi: Double) -> Double {
    max(0, min(p + 1, hi) - max(p, lo))
}
