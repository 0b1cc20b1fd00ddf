import Images
import CGD
import Foundation

/// A string rendered once by libgd/FreeType into an 8-bit coverage mask, then composited
/// wherever it is needed. Reports repeat the same tick labels and titles across dozens of
/// figures, and FreeType runs its TrueType hinting interpreter for every glyph it loads; a
/// cached mask makes a repeated label cost a blit.
struct TextMask {
    /// Offset of the mask's top-left pixel from the text origin (baseline start).
    var dx: Int
    var dy: Int
    var width: Int
    var height: Int
    /// `[height, width]` coverage 0...255.
    var coverage: [UInt8]

    /// Renders `text` white on black with libgd and keeps the red channel as coverage.
    static func render(_ text: String, font: Font, size: Double, bold: Bool, angle: Double) throws -> TextMask {
        var brect = [Int32](repeating: 0, count: 8)
        try font.render(nil, &brect, color: 0, text: text, size: size, angle: angle, x: 0, y: 0, bold: bold)
        let xs = stride(from: 0, to: 8, by: 2).map { Int(brect[$0]) }, ys = stride(from: 1, to: 8, by: 2).map { Int(brect[$0]) }
        let margin = 2
        let x0 = xs.min()! - margin, y0 = ys.min()! - margin
        let w = xs.max()! - x0 + margin + 1, h = ys.max()! - y0 + margin + 1
        guard w > 0, h > 0, w <= Canvas.maxSide, h <= Canvas.maxSide, let scratch = gdImageCreateTrueColor(Int32(w), Int32(h))
        else { throw PlottingError.textFailed(message: "text \"\(text.prefix(40))\" is too large to draw") }
        defer { gdImageDestroy(scratch) }
        gdImageAlphaBlending(scratch, 1)  // the canvas starts black (0)
        try font.render(scratch, &brect, color: 0xFFFFFF, text: text, size: size, angle: angle,
                        x: Int32(-x0), y: Int32(-y0), bold: bold)
        var coverage = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            let row = scratch.pointee.tpixels[y]!
            for x in 0..<w { coverage[y * w + x] = UInt8(truncatingIfNeeded: (row[x] >> 16) & 0xFF) }
        }
        return TextMask(dx: x0, dy: y0, width: w, height: h, coverage: coverage)
    }
}

/// Rendered text masks shared by every render in the process (bounded; cleared when full).
final class TextMaskCache: @unchecked Sendable {  // all state behind `lock`
    struct Key: Hashable {
        var text: String
        var size: Double
        var file: String
        var angle: Double
    }

    static let shared = TextMaskCache()
    private let lock = NSLock()
    private var entries: [Key: TextMask] = [:]

    func mask(_ text: String, font: Font, size: Double, bold: Bool, angle: Double) throws -> TextMask {
        let key = Key(text: text, size: size, file: bold ? font.bold : font.regular, angle: angle)
        lock.lock()
        let hit = entries[key]
        lock.unlock()
        if let hit { return hit }
        let mask = try TextMask.render(text, font: font, size: size, bold: bold, angle: angle)
        lock.lock()
        if entries.count >= 4096 { entries.removeAll(keepingCapacity: true) }
        entries[key] = mask
        lock.unlock()
        return mask
    }
}

extension Canvas {
    /// Composites a text mask in `color` with its origin at integer pixel (x, y).
    func draw(_ mask: TextMask, x: Int, y: Int, color: RGB) {
        let left = x + mask.dx, top = y + mask.dy
        for j in max(0, -top)..<min(mask.height, height - top) {
            let row = j * mask.width
            for i in max(0, -left)..<min(mask.width, width - left) {
                let c = mask.coverage[row + i]
                if c > 0 { blend(left + i, top + j, color, Double(c) / 255) }
            }
        }
    }
}
