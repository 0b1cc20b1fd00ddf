import Foundation

/// Helpers every chart shares: data checks, extents, and laying out a plot with its legend.

/// The smallest and largest finite values, or nil when there are none.
func finiteExtent<S: Sequence>(_ values: S) -> (lower: Double, upper: Double)? where S.Element: BinaryFloatingPoint {
    var lo = Double.infinity, hi = -Double.infinity
    for v in values where v.isFinite {
        let d = Double(v)
        if d < lo { lo = d }
        if d > hi { hi = d }
    }
    return lo <= hi ? (lo, hi) : nil
}

/// Throws unless `count == expected`.
func requireCount(_ what: String, _ count: Int, _ expected: Int) throws {
    guard count == expected else { throw PlottingError.shapeMismatch(what: what, expected: expected, got: count) }
}

/// Points on a grid over `r` (every `step` device pixels), standing for an area of data that a
/// `best` legend should avoid.
func samplePoints(_ r: Rect, step: Double) -> [Point] {
    guard r.width > 0 || r.height > 0 else { return [] }
    let nx = max(1, Int((r.width / step).rounded(.up))), ny = max(1, Int((r.height / step).rounded(.up)))
    var out: [Point] = []
    for j in 0...ny {
        for i in 0...nx {
            out.append(Point(r.minX + r.width * Double(i) / Double(nx), r.minY + r.height * Double(j) / Double(ny)))
        }
    }
    return out
}

/// Points every few pixels along a polyline, for the same purpose.
func samplePolyline(_ points: [Point], step: Double) -> [Point] {
    var out: [Point] = []
    for i in 1..<max(1, points.count) {
        let a = points[i - 1], b = points[i]
        guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite else { continue }
        let n = max(1, Int((hypot(b.x - a.x, b.y - a.y) / step).rounded(.up)))
        for k in 0...n {
            let t = Double(k) / Double(n)
            out.append(Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t))
        }
    }
    return out.isEmpty ? points : out
}

/// Lays out a two-axis plot with its legend. A `best` legend that would cover data in every
/// inside corner moves outside the plot instead (and the plot narrows to make room).
/// - Parameter occupied: device-pixel points of the data, given the frame.
func layoutWithLegend(
    style: ChartStyle, font: Font, title: String?, x: AxisPlan, y: AxisPlan, legend: Legend,
    extraRight: Double = 0, occupied: (PlotFrame) -> [Point]
) throws -> (frame: PlotFrame, legend: Rect?) {
    var frame = try PlotFrame.layout(style: style, font: font, title: title, x: x, y: y,
                                     right: extraRight + legend.reserve(style: style, font: font))
    guard let placed = try legend.frame(in: frame.plot, avoiding: occupied(frame), style: style, font: font)
    else { return (frame, nil) }
    if legend.placement == .best && placed.covered > 0 {
        var outside = legend
        outside.placement = .outsideRight
        frame = try PlotFrame.layout(style: style, font: font, title: title, x: x, y: y,
                                     right: extraRight + outside.reserve(style: style, font: font))
        return (frame, try outside.frame(in: frame.plot, avoiding: [], style: style, font: font)?.rect)
    }
    return (frame, placed.rect)
}
