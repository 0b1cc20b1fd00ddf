import Images
import CGD
import Foundation

/// Draws a `SceneSpec` with libgd primitives (filled polygons, rectangles, ellipses), without
/// antialiasing, so every object's fill is exactly its label colour.
enum SceneRenderer {
    /// Width of the black outline around each object, in pixels.
    static let outline = 2

    static func png(_ spec: SceneSpec) throws -> [UInt8] {
        try withDrawing(spec) { im in
            var length: Int32 = 0
            guard let raw = gdImagePngPtrEx(im, &length, 6), length > 0 else {
                throw ImageError.writeFailed(path: spec.id + ".png", reason: "libgd could not encode the PNG")
            }
            defer { gdFree(raw) }
            return [UInt8](UnsafeRawBufferPointer(start: raw, count: Int(length)))
        }
    }

    static func image(_ spec: SceneSpec) throws -> RGBImage {
        try withDrawing(spec) { im in
            guard let image = ImageDecoder.rgb(from: im) else {
                throw ImageError.writeFailed(path: spec.id, reason: "libgd produced an empty image")
            }
            return image
        }
    }

    private static func withDrawing<T>(_ spec: SceneSpec, _ body: (gdImagePtr) throws -> T) throws -> T {
        guard spec.size > 0, let im = gdImageCreateTrueColor(Int32(spec.size), Int32(spec.size)) else {
            throw ImageError.writeFailed(path: spec.id, reason: "libgd could not allocate a \(spec.size)x\(spec.size) image")
        }
        defer { gdImageDestroy(im) }
        draw(spec, on: im)
        return try body(im)
    }

    // MARK: - Scene

    private static func draw(_ spec: SceneSpec, on im: gdImagePtr) {
        let s = Int32(spec.size), horizon = Int32(min(max(spec.horizonY, 1), spec.size - 1))
        let shades = spec.palette.shades
        gdImageSetClip(im, 0, 0, s - 1, horizon - 1)
        drawTexture(spec, shades: shades.sky.map { $0.shifted(spec.brightness) }, on: im)
        gdImageSetClip(im, 0, horizon, s - 1, s - 1)
        drawTexture(spec, shades: shades.ground.map { $0.shifted(spec.brightness) }, on: im)
        gdImageSetClip(im, 0, 0, s - 1, s - 1)
        for object in spec.objects {
            drawShape(object.shape, x: object.x, y: object.y, radius: object.radius + outline, color: RGB(0, 0, 0), on: im)
            drawShape(object.shape, x: object.x, y: object.y, radius: object.radius, color: object.fill, on: im)
        }
    }

    /// The texture fills the current clip rectangle: shade 0 as ground, shade 1 as pattern.
    private static func drawTexture(_ spec: SceneSpec, shades: [RGB], on im: gdImagePtr) {
        let size = Double(spec.size), c = (x: size / 2, y: size / 2)
        let angle = spec.orientation.degrees * Double.pi / 180
        // d runs along the texture, n across it; image y points down, so +angle turns d upward.
        let d = (x: cos(angle), y: -sin(angle)), n = (x: sin(angle), y: cos(angle))
        let reach = size  // beyond the half diagonal (0.71 size) from the centre
        func point(_ along: Double, _ across: Double) -> gdPoint {
            gdPoint(x: Int32((c.x + d.x * along + n.x * across).rounded()), y: Int32((c.y + d.y * along + n.y * across).rounded()))
        }
        func quad(_ a0: Double, _ a1: Double, _ n0: Double, _ n1: Double, _ color: Int32) {
            var pts = [point(a0, n0), point(a1, n0), point(a1, n1), point(a0, n1)]
            gdImageFilledPolygon(im, &pts, 4, color)
        }
        let base = color(shades[0], im), pattern = color(shades[1], im)
        gdImageFilledRectangle(im, 0, 0, Int32(spec.size - 1), Int32(spec.size - 1), base)
        let p = spec.period, k = Int((reach / p).rounded(.up)) + 1

        switch spec.texture {
        case .plain:  // a linear gradient across the orientation over the image's extent, in 2-pixel bands
            let extent = size / 2 * (abs(n.x) + abs(n.y))
            let bands = Int(extent)
            for b in 0..<bands {
                let t = Double(b) / Double(max(bands - 1, 1))
                let mix = RGB(
                    UInt8((Double(shades[0].r) * (1 - t) + Double(shades[1].r) * t).rounded()),
                    UInt8((Double(shades[0].g) * (1 - t) + Double(shades[1].g) * t).rounded()),
                    UInt8((Double(shades[0].b) * (1 - t) + Double(shades[1].b) * t).rounded()))
                // The outer bands reach past the image so its corners are covered.
                let n0 = b == 0 ? -reach : -extent + Double(b) * 2
                let n1 = b == bands - 1 ? reach : -extent + Double(b + 1) * 2 + 0.5
                quad(-reach, reach, n0, n1, color(mix, im))
            }
        case .stripes:
            for j in -k...k {
                let n0 = Double(j) * p + spec.phase
                quad(-reach, reach, n0, n0 + p / 2, pattern)
            }
        case .checker:  // cells p long along d, p/2 across
            let ka = k, kn = 2 * k
            for i in -ka...ka {
                for j in -kn...kn where (i + j) & 1 == 0 {
                    let a0 = Double(i) * p, n0 = Double(j) * p / 2 + spec.phase
                    quad(a0, a0 + p, n0, n0 + p / 2, pattern)
                }
            }
        case .dots:  // rows p apart across, dots p/2 apart along each row
            let diameter = Int32(max(2, (p / 3).rounded()))
            for j in -k...k {
                for i in -2 * k...2 * k {
                    let q = point(Double(i) * p / 2, Double(j) * p + spec.phase)
                    gdImageFilledEllipse(im, q.x, q.y, diameter, diameter, pattern)
                }
            }
        }
    }

    private static func drawShape(_ shape: ObjectShape, x: Int, y: Int, radius r: Int, color rgb: RGB, on im: gdImagePtr) {
        let c = color(rgb, im), x = Int32(x), y = Int32(y), r = Int32(r)
        switch shape {
        case .circle:
            gdImageFilledEllipse(im, x, y, 2 * r + 1, 2 * r + 1, c)
        case .square:
            gdImageFilledRectangle(im, x - r, y - r, x + r, y + r, c)
        case .triangle:
            var pts = [gdPoint(x: x, y: y - r), gdPoint(x: x + r, y: y + r), gdPoint(x: x - r, y: y + r)]
            gdImageFilledPolygon(im, &pts, 3, c)
        case .diamond:
            var pts = [gdPoint(x: x, y: y - r), gdPoint(x: x + r, y: y), gdPoint(x: x, y: y + r), gdPoint(x: x - r, y: y)]
            gdImageFilledPolygon(im, &pts, 4, c)
        }
    }

    private static func color(_ c: RGB, _ im: gdImagePtr) -> Int32 {
        gdImageColorAllocate(im, Int32(c.r), Int32(c.g), Int32(c.b))
    }
}
