import Images

/// Where a chart puts its legend. `best` picks the inside corner that covers the fewest data
/// points (matplotlib's "best"); `outsideRight` keeps it off the data entirely.
public enum LegendPlacement: String, Sendable, Codable, CaseIterable {
    case best, upperRight, upperLeft, lowerRight, lowerLeft, outsideRight, hidden
}

/// One legend row: a sample of how the series is drawn, and its name.
struct LegendEntry {
    enum Swatch {
        case line(marker: MarkerShape?, dashed: Bool, band: Bool)
        case marker(MarkerShape)
        case patch
    }
    var label: String
    var color: RGB
    var swatch: Swatch
}

/// A framed list of legend entries, measured before it is placed.
struct Legend {
    var entries: [LegendEntry]
    var placement: LegendPlacement

    private func metrics(_ style: ChartStyle) -> (pad: Double, swatch: Double, gap: Double, row: Double) {
        (style.px(8), style.px(24), style.px(7), style.legend.size * 1.55)
    }

    /// Width and height of the legend box in device pixels.
    func size(style: ChartStyle, font: Font) throws -> (width: Double, height: Double) {
        guard !entries.isEmpty, placement != .hidden else { return (0, 0) }
        let m = metrics(style)
        let widest = try entries.map { try font.measure($0.label, size: style.legend.size).right }.max() ?? 0
        return (2 * m.pad + m.swatch + m.gap + widest, 2 * m.pad + m.row * Double(entries.count) - (m.row - style.legend.size))
    }

    /// Device pixels to reserve right of the plot (only for `outsideRight`).
    func reserve(style: ChartStyle, font: Font) throws -> Double {
        placement == .outsideRight && !entries.isEmpty ? try size(style: style, font: font).width + style.px(12) : 0
    }

    /// The legend's box for a plot and how many `occupied` data points it covers; `best` tries
    /// the four inside corners and keeps the emptiest.
    func frame(in plot: Rect, avoiding occupied: [Point], style: ChartStyle, font: Font) throws
        -> (rect: Rect, covered: Int)?
    {
        guard !entries.isEmpty, placement != .hidden else { return nil }
        let (w, h) = try size(style: style, font: font)
        let inset = style.px(8)
        func corner(_ p: LegendPlacement) -> Rect {
            switch p {
            case .upperLeft: return Rect(x: plot.minX + inset, y: plot.minY + inset, width: w, height: h)
            case .lowerRight: return Rect(x: plot.maxX - inset - w, y: plot.maxY - inset - h, width: w, height: h)
            case .lowerLeft: return Rect(x: plot.minX + inset, y: plot.maxY - inset - h, width: w, height: h)
            case .outsideRight: return Rect(x: plot.maxX + style.px(12), y: plot.minY, width: w, height: h)
            default: return Rect(x: plot.maxX - inset - w, y: plot.minY + inset, width: w, height: h)
            }
        }
        func covered(_ r: Rect) -> Int {
            let grown = r.insetBy(-style.px(4))
            return occupied.reduce(0) { $0 + (grown.contains($1) ? 1 : 0) }
        }
        guard placement == .best else { return (corner(placement), covered(corner(placement))) }
        var best = corner(.upperRight), fewest = Int.max
        for c in [LegendPlacement.upperRight, .upperLeft, .lowerRight, .lowerLeft] {
            let n = covered(corner(c))
            if n < fewest { (best, fewest) = (corner(c), n) }
        }
        return (best, fewest)
    }

    /// Draws the framed legend with its top-left corner at `frame.origin`.
    func draw(on canvas: Canvas, in frame: Rect, style: ChartStyle, font: Font) throws {
        let m = metrics(style)
        canvas.fill(frame, style.background, alpha: 0.9)
        canvas.stroke(frame, RGB(hex: 0xCCCCCC), lineWidth: style.px(1))
        for (i, e) in entries.enumerated() {
            let cy = frame.minY + m.pad + style.legend.size / 2 + Double(i) * m.row
            let x0 = frame.minX + m.pad, x1 = x0 + m.swatch
            switch e.swatch {
            case .line(let marker, let dashed, let band):
                if band {
                    canvas.fill(Rect(x: x0, y: cy - style.px(6), width: m.swatch, height: style.px(12)), e.color, alpha: 0.2)
                }
                canvas.strokeLine(from: Point(x0, cy), to: Point(x1, cy), e.color, lineWidth: style.px(style.lineWidth),
                                  dash: dashed ? [style.px(5), style.px(3)] : nil)
                if let marker { canvas.marker(marker, at: Point((x0 + x1) / 2, cy), size: style.px(7), e.color) }
            case .marker(let shape):
                canvas.marker(shape, at: Point((x0 + x1) / 2, cy), size: style.px(8), e.color)
            case .patch:
                canvas.fill(Rect(x: x0 + style.px(3), y: cy - style.px(6), width: m.swatch - style.px(6), height: style.px(12)), e.color)
            }
            try canvas.text(e.label, at: Point(x1 + m.gap, cy), font: font, style: style.legend, anchor: TextAnchor(.start, .middle))
        }
    }
}
