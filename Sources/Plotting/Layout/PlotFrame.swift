import Foundation

/// An axis after layout: its ticks, and how its labels are drawn so they do not collide.
struct ResolvedAxis {
    var plan: AxisPlan
    var ticks: [Tick]
    var minor: [Double] = []
    /// 0, or 45 degrees for crowded category labels on x.
    var labelAngle: Double = 0
    /// Label every n-th fixed tick when even rotated labels would overlap.
    var labelEvery = 1
    /// Device pixels the tick labels take perpendicular to the axis.
    var labelDepth: Double = 0

    var scale: Scale { plan.scale }
}

/// Where everything of a two-axis chart goes, in device pixels: the plot area inside the
/// margins, the tick labels, axis titles and chart title around it. Layout is computed from the
/// measured text, so long tick labels move the plot instead of overlapping it.
struct PlotFrame {
    let style: ChartStyle
    let font: Font
    var title: String?
    var plot: Rect
    var x: ResolvedAxis
    var y: ResolvedAxis
    /// Free space reserved right of the plot (colour bar, legend outside).
    var rightReserve: Double

    /// Device x of data value `v` on the x axis.
    func xPixel(_ v: Double) -> Double { plot.minX + x.scale.fraction(v) * plot.width }
    /// Device y of data value `v` on the y axis (up is larger).
    func yPixel(_ v: Double) -> Double { plot.maxY - y.scale.fraction(v) * plot.height }

    // MARK: - Layout

    /// - Parameters:
    ///   - right: device pixels to keep free right of the plot.
    ///   - aspect: plot width / height to keep (square cells); the plot is centred in its space.
    static func layout(
        style: ChartStyle, font: Font, title: String?, x: AxisPlan, y: AxisPlan,
        right: Double = 0, aspect: Double? = nil
    ) throws -> PlotFrame {
        let W = Double(style.pixelWidth), H = Double(style.pixelHeight)
        let pad = style.px(style.padding)
        let tickRoom = style.px(style.tickLength) + style.px(4)
        let tickLineH = style.tick.size * (Font.capHeight + Font.descent)
        let labelRoom = style.label.size * (Font.capHeight + Font.descent) + style.px(8)
        let titleRoom = title == nil ? 0 : style.title().size * (Font.capHeight + Font.descent) + style.px(12)

        var top = pad + titleRoom + (y.hidden ? 0 : tickLineH / 2)
        var xr = ResolvedAxis(plan: x, ticks: []), yr = ResolvedAxis(plan: y, ticks: [])
        var left = pad, rightEdge = W - pad - right, bottom = H - pad
        // Room the x labels need beyond the plot's ends (centred end labels, tilted labels).
        var extraLeft = 0.0, extraRight = 0.0
        for _ in 0..<4 {
            let xDepth = x.hidden ? 0 : tickRoom + max(tickLineH, xr.labelDepth) + (x.label == nil ? 0 : labelRoom)
            bottom = H - pad - xDepth
            yr = try fit(y, length: bottom - top, along: .vertical, style: style, font: font)
            left = pad + (y.hidden ? 0 : tickRoom + yr.labelDepth + (y.label == nil ? 0 : labelRoom))
            left = max(left, pad + extraLeft)
            rightEdge = W - pad - max(right, extraRight)
            xr = try fit(x, length: rightEdge - left, along: .horizontal, style: style, font: font)
            guard !x.hidden else { continue }
            let trial = PlotFrame(style: style, font: font, title: title,
                                  plot: Rect(x: left, y: top, width: rightEdge - left, height: bottom - top),
                                  x: xr, y: yr, rightReserve: right)
            let boxes = try trial.tickLabelPlacements().filter { $0.at.y > trial.plot.maxY }.map {
                try Canvas.textBox($0.text, at: $0.at, font: font, style: style.tick, anchor: $0.anchor, angle: $0.angle)
            }
            let lo = boxes.map(\.minX).min() ?? left, hi = boxes.map(\.maxX).max() ?? rightEdge
            extraLeft = max(extraLeft, left - lo)
            extraRight = max(extraRight, hi - rightEdge)
        }
        top = min(top, bottom - 10)
        var plot = Rect(x: left, y: top, width: max(10, rightEdge - left), height: max(10, bottom - top))
        if let aspect, aspect > 0 {
            let w = min(plot.width, plot.height * aspect), h = w / aspect
            plot = Rect(x: plot.minX + (plot.width - w) / 2, y: plot.minY + (plot.height - h) / 2, width: w, height: h)
        }
        return PlotFrame(style: style, font: font, title: title, plot: plot, x: xr, y: yr, rightReserve: right)
    }

    enum Direction { case horizontal, vertical }

    /// Chooses ticks for an axis `length` device pixels long: as many nice ticks as fit with a
    /// gap between labels; fixed (category) labels are rotated to 45 degrees on x, then thinned.
    static func fit(_ plan: AxisPlan, length: Double, along d: Direction, style: ChartStyle, font: Font) throws
        -> ResolvedAxis
    {
        var r = ResolvedAxis(plan: plan, ticks: [])
        guard !plan.hidden, length > 0 else { return r }
        let size = style.tick.size, lineH = size * (Font.capHeight + Font.descent), gap = size * 0.9
        if let fixed = plan.fixedTicks {
            r.ticks = fixed
            let widths = try fixed.map { try font.measure($0.label, size: size).width }
            let spacing = fixed.count > 1
                ? abs(plan.scale.fraction(fixed[1].value) - plan.scale.fraction(fixed[0].value)) * length : length
            let widest = widths.max() ?? 0
            if d == .vertical {
                r.labelEvery = max(1, Int((lineH * 1.3 / spacing).rounded(.up)))
                r.labelDepth = widest
            } else if widest + gap <= spacing {
                r.labelDepth = lineH
            } else if widest <= lineH * 2.5 {
                // Short labels (layer numbers) read better thinned than tilted.
                r.labelEvery = max(1, Int(((widest + gap) / spacing).rounded(.up)))
                r.labelDepth = lineH
            } else {
                r.labelAngle = 45
                let perpendicular = spacing * 0.7071
                r.labelEvery = max(1, Int((lineH * 1.2 / perpendicular).rounded(.up)))
                r.labelDepth = (widest + lineH) * 0.7071 + lineH * 0.5
            }
            return r
        }
        let lengthPerTick = d == .vertical ? lineH * 4 : size * 6
        var count = max(2, min(11, Int(length / lengthPerTick) + 1))
        while true {
            r.ticks = plan.scale.ticks(maxCount: count, integer: plan.integerTicks)
            let widths = try r.ticks.map { try font.measure($0.label, size: size).width }
            var fits = true
            if d == .horizontal {
                for i in 1..<max(1, r.ticks.count) {
                    let distance = abs(plan.scale.fraction(r.ticks[i].value) - plan.scale.fraction(r.ticks[i - 1].value)) * length
                    if distance < (widths[i] + widths[i - 1]) / 2 + gap { fits = false }
                }
            }
            r.labelDepth = d == .vertical ? (widths.max() ?? 0) : lineH
            if fits || count <= 2 { break }
            count -= 1
        }
        r.minor = plan.scale.minorTicks(maxCount: count)
        return r
    }
}
