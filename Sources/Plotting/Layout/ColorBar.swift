/// A vertical colour bar right of a plot: the map's gradient, ticks for its value range, and
/// an optional title reading upwards. Every chart that maps values to colour draws one, so no
/// colour goes without its legend.
struct ColorBar {
    var map: ColorMap
    var scale: Scale
    var label: String?
    var ticks: [Tick]

    /// - Parameter height: expected bar height in device pixels (sets how many ticks fit).
    init(map: ColorMap, range: ClosedRange<Double>, label: String?, height: Double, style: ChartStyle) {
        self.map = map
        self.scale = Scale(linear: range.lowerBound, range.upperBound)
        self.label = label
        let lineH = style.tick.size * (Font.capHeight + Font.descent)
        ticks = scale.ticks(maxCount: max(2, min(8, Int(height / (lineH * 3)) + 1)))
    }

    private func metrics(_ style: ChartStyle) -> (gap: Double, bar: Double, tick: Double, textGap: Double) {
        (style.px(16), style.px(15), style.px(4), style.px(4))
    }

    /// Device pixels this bar needs right of the plot.
    func reserve(style: ChartStyle, font: Font) throws -> Double {
        let m = metrics(style)
        let widest = try ticks.map { try font.measure($0.label, size: style.tick.size).right }.max() ?? 0
        let labelRoom = label == nil ? 0 : style.px(8) + style.label.size * (Font.capHeight + Font.descent)
        return m.gap + m.bar + m.tick + m.textGap + widest + labelRoom
    }

    /// Draws the bar beside `plot`, as tall as the plot.
    func draw(on canvas: Canvas, beside plot: Rect, style: ChartStyle, font: Font) throws {
        let m = metrics(style)
        let bar = Rect(x: (plot.maxX + m.gap).rounded(), y: plot.minY.rounded(), width: m.bar.rounded(),
                       height: plot.height.rounded())
        let y0 = Int(bar.minY), y1 = Int(bar.maxY)
        for y in y0..<y1 {
            let t = (bar.maxY - (Double(y) + 0.5)) / bar.height
            canvas.fill(Rect(x: bar.minX, y: Double(y), width: bar.width, height: 1), map.color(at: t))
        }
        let lw = style.px(style.axisLineWidth)
        canvas.stroke(bar.insetBy(-lw), style.axisColor, lineWidth: lw)
        var widest = 0.0
        for t in ticks {
            let y = bar.maxY - scale.fraction(t.value) * bar.height
            canvas.hLine(y: y, from: bar.maxX + lw, to: bar.maxX + lw + m.tick, style.axisColor, lineWidth: lw)
            let box = try canvas.text(t.label, at: Point(bar.maxX + lw + m.tick + m.textGap, y), font: font,
                                      style: style.tick, anchor: TextAnchor(.start, .middle))
            widest = max(widest, box.maxX)
        }
        if let label {
            try canvas.text(label, at: Point(widest + style.px(8), bar.midY), font: font, style: style.label,
                            anchor: TextAnchor(.center, .top), angle: 90)
        }
    }
}
