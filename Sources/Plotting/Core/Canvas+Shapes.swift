import Images
import Foundation

/// Marker shapes for line and scatter charts.
public enum MarkerShape: String, Sendable, Codable, CaseIterable {
    case circle, square, triangle, diamond
}

// MARK: - Strokes

extension Canvas {
    /// A polyline `lineWidth` pixels wide with round joins, anti-aliased. A non-finite point
    /// breaks the line (missing data leaves a gap rather than a spurious segment).
    /// - Parameter dash: on/off lengths in pixels, e.g. `[6, 4]`; nil draws a solid line.
    public func strokePolyline(
        _ points: [Point], _ color: RGB, lineWidth: Double = 1.5, alpha: Double = 1,
        dash: [Double]? = nil
    ) {
        var segments: [(Point, Point)] = []
        for i in 1..<max(1, points.count) {
            let a = points[i - 1], b = points[i]
            guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
            segments.append((a, b))
        }
        if let dash, dash.count >= 2, dash.allSatisfy({ $0 > 0 }) {
            segments = dashed(segments, pattern: dash)
        }
        strokeSegments(segments, color, lineWidth: lineWidth, alpha: alpha)
    }

    /// One straight anti-aliased line.
    public func strokeLine(
        from a: Point, to b: Point, _ color: RGB, lineWidth: Double = 1.5, alpha: Double = 1,
        dash: [Double]? = nil
    ) {
        strokePolyline([a, b], color, lineWidth: lineWidth, alpha: alpha, dash: dash)
    }

    /// Rasterises the union of the segments' capsules into a coverage mask first and composites
    /// it once, so joins and overlaps of a translucent line are not blended twice.
    func strokeSegments(_ segments: [(Point, Point)], _ color: RGB, lineWidth: Double, alpha: Double) {
        guard !segments.isEmpty, lineWidth > 0 else { return }
        let half = lineWidth / 2, reach = half + 1
        // Short pieces keep each capsule's bounding box small, so a long diagonal costs O(length).
        var pieces: [(Point, Point)] = []
        for (a, b) in segments {
            let n = max(1, Int((hypot(b.x - a.x, b.y - a.y) / 16).rounded(.up)))
            for k in 0..<n {
                let t0 = Double(k) / Double(n), t1 = Double(k + 1) / Double(n)
                pieces.append((
                    Point(a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0),
                    Point(a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1)))
            }
        }
        var lo = Point(.infinity, .infinity), hi = Point(-.infinity, -.infinity)
        for (a, b) in pieces {
            lo = Point(min(lo.x, a.x, b.x), min(lo.y, a.y, b.y))
            hi = Point(max(hi.x, a.x, b.x), max(hi.y, a.y, b.y))
        }
        let box = Rect(x: lo.x - reach, y: lo.y - reach, width: hi.x - lo.x + 2 * reach,
                       height: hi.y - lo.y + 2 * reach)
        guard let b = pixelBounds(box) else { return }
        let bw = b.x1 - b.x0
        var mask = [Float](repeating: 0, count: bw * (b.y1 - b.y0))
        let peak = min(1, lineWidth)
        for (p, q) in pieces {
            let x0 = max(b.x0, Int((min(p.x, q.x) - reach).rounded(.down)))
            let x1 = min(b.x1, Int((max(p.x, q.x) + reach).rounded(.up)))
            let y0 = max(b.y0, Int((min(p.y, q.y) - reach).rounded(.down)))
            let y1 = min(b.y1, Int((max(p.y, q.y) + reach).rounded(.up)))
            guard x0 < x1, y0 < y1 else { continue }
            let dx = q.x - p.x, dy = q.y - p.y, len2 = dx * dx + dy * dy
            for y in y0..<y1 {
                let cy = Double(y) + 0.5
                for x in x0..<x1 {
                    let cx = Double(x) + 0.5
                    var t = len2 > 0 ? ((cx - p.x) * dx + (cy - p.y) * dy) / len2 : 0
                    t = min(1, max(0, t))
                    let d = hypot(cx - (p.x + t * dx), cy - (p.y + t * dy))
                    let c = Float(min(peak, max(0, half + 0.5 - d)))
                    let i = (y - b.y0) * bw + (x - b.x0)
                    if c > mask[i] { mask[i] = c }
                }
            }
        }
        for y in b.y0..<b.y1 {
            for x in b.x0..<b.x1 {
                let c = mask[(y - b.y0) * bw + (x - b.x0)]
                if c > 0 { blend(x, y, color, alpha * Double(c)) }
            }
        }
    }

    /// Cuts segments into the "on" parts of a repeating on/off pattern that runs continuously
    /// along the polyline.
    func dashed(_ segments: [(Point, Point)], pattern: [Double]) -> [(Point, Point)] {
        var out: [(Point, Point)] = []
        var index = 0, left = pattern[0]
        for (a, b) in segments {
            let len = hypot(b.x - a.x, b.y - a.y)
            var pos = 0.0
            while pos < len {
                let step = min(left, len - pos)
                if index % 2 == 0 {
                    let t0 = pos / len, t1 = (pos + step) / len
                    out.append((
                        Point(a.x + (b.x - a.x) * t0, a.y + (b.y - a.y) * t0),
                        Point(a.x + (b.x - a.x) * t1, a.y + (b.y - a.y) * t1)))
                }
                pos += step
                left -= step
                if left <= 1e-9 {
                    index = (index + 1) % pattern.count
                    left = pattern[index]
                }
            }
        }
        return out
    }
}

// MARK: - Filled shapes

extension Canvas {
    /// An anti-aliased disc of `radius` pixels.
    public func fillCircle(center: Point, radius: Double, _ color: RGB, alpha: Double = 1) {
        let box = Rect(x: center.x - radius - 1, y: center.y - radius - 1,
                       width: 2 * radius + 2, height: 2 * radius + 2)
        guard let b = pixelBounds(box) else { return }
        for y in b.y0..<b.y1 {
            let dy = Double(y) + 0.5 - center.y
            for x in b.x0..<b.x1 {
                let dx = Double(x) + 0.5 - center.x
                let c = radius + 0.5 - (dx * dx + dy * dy).squareRoot()
                if c > 0 { blend(x, y, color, alpha * min(1, c)) }
            }
        }
    }

    /// An anti-aliased convex polygon: coverage from the signed distance to the nearest edge.
    public func fillConvexPolygon(_ vertices: [Point], _ color: RGB, alpha: Double = 1) {
        guard vertices.count >= 3 else { return }
        // Orientation decides which side of each edge is inside.
        var area = 0.0
        for i in 0..<vertices.count {
            let a = vertices[i], b = vertices[(i + 1) % vertices.count]
            area += a.x * b.y - b.x * a.y
        }
        let sign: Double = area > 0 ? 1 : -1
        let edges: [(Point, Double, Double)] = (0..<vertices.count).map { i in
            let a = vertices[i], b = vertices[(i + 1) % vertices.count]
            let nx = sign * (b.y - a.y), ny = sign * (a.x - b.x), n = max(1e-12, hypot(nx, ny))
            return (a, nx / n, ny / n)
        }
        let xs = vertices.map(\.x), ys = vertices.map(\.y)
        let box = Rect(from: Point(xs.min()! - 1, ys.min()! - 1), to: Point(xs.max()! + 1, ys.max()! + 1))
        guard let b = pixelBounds(box) else { return }
        for y in b.y0..<b.y1 {
            for x in b.x0..<b.x1 {
                let px = Double(x) + 0.5, py = Double(y) + 0.5
                var sd = -Double.infinity
                for (a, nx, ny) in edges { sd = max(sd, (px - a.x) * nx + (py - a.y) * ny) }
                let c = 0.5 - sd
                if c > 0 { blend(x, y, color, alpha * min(1, c)) }
            }
        }
    }

    /// A marker of `size` pixels (diameter of the circle; other shapes have the same area feel).
    public func marker(_ shape: MarkerShape, at p: Point, size: Double, _ color: RGB, alpha: Double = 1) {
        let r = size / 2
        switch shape {
        case .circle:
            fillCircle(center: p, radius: r, color, alpha: alpha)
        case .square:
            let s = r * 0.9
            fillConvexPolygon([Point(p.x - s, p.y - s), Point(p.x + s, p.y - s),
                               Point(p.x + s, p.y + s), Point(p.x - s, p.y + s)], color, alpha: alpha)
        case .triangle:
            let s = r * 1.25
            fillConvexPolygon([Point(p.x, p.y - s), Point(p.x + s * 0.866, p.y + s * 0.5),
                               Point(p.x - s * 0.866, p.y + s * 0.5)], color, alpha: alpha)
        case .diamond:
            let s = r * 1.2
            fillConvexPolygon([Point(p.x, p.y - s), Point(p.x + s, p.y),
                               Point(p.x, p.y + s), Point(p.x - s, p.y)], color, alpha: alpha)
        }
    }

    /// Shades the region between two curves sampled at increasing `xs` (a confidence band):
    /// per pixel column, the span between the interpolated curves, with fractional coverage at
    /// its ends.
    public func fillBand(xs: [Double], _ a: [Double], _ b: [Double], _ color: RGB, alpha: Double) {
        let n = min(xs.count, a.count, b.count)
        guard n >= 2, let first = xs.first, let last = xs[..<n].last, last > first else { return }
        let box = Rect(x: first, y: 0, width: last - first, height: Double(height))
        guard let bx = pixelBounds(box) else { return }
        var k = 0
        for x in bx.x0..<bx.x1 {
            let cx = min(last, max(first, Double(x) + 0.5))
            while k < n - 2 && xs[k + 1] < cx { k += 1 }
            let span = xs[k + 1] - xs[k]
            let t = span > 0 ? (cx - xs[k]) / span : 0
            let ya = a[k] + (a[k + 1] - a[k]) * t, yb = b[k] + (b[k + 1] - b[k]) * t
            guard ya.isFinite, yb.isFinite else { continue }
            let top = min(ya, yb), bottom = max(ya, yb)
            let h = coverage(Double(x), first, last) * alpha
            guard let by = pixelBounds(Rect(x: Double(x), y: top, width: 1, height: bottom - top))
            else { continue }
            for y in by.y0..<by.y1 { blend(x, y, color, h * coverage(Double(y), top, bottom)) }
        }
    }
}
