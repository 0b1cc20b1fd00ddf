/// Drawing the frame: grid behind the data, then spines, ticks, labels and title on top.
extension PlotFrame {
    /// Light grid lines at the major ticks of both axes (behind the data).
    func drawGrid(on canvas: Canvas) {
        guard style.grid else { return }
        let w = style.px(1)
        if x.plan.grid && !x.plan.hidden {
            for t in x.ticks { canvas.vLine(x: xPixel(t.value), from: plot.minY, to: plot.maxY, style.gridColor, lineWidth: w) }
        }
        if y.plan.grid && !y.plan.hidden {
            for t in y.ticks { canvas.hLine(y: yPixel(t.value), from: plot.minX, to: plot.maxX, style.gridColor, lineWidth: w) }
        }
    }

    /// Runs `body` with shapes clipped to the plot area.
    func clipped(_ canvas: Canvas, _ body: () throws -> Void) rethrows {
        let saved = canvas.clip
        canvas.clip = plot
        defer { canvas.clip = saved }
        try body()
    }

    /// A tick label's text and where it goes.
    struct LabelPlacement {
        var text: String
        var at: Point
        var anchor: TextAnchor
        var angle: Double
    }

    /// The edges the ticks hang from (outside the spines).
    var tickEdges: (bottom: Double, left: Double) {
        let lw = style.px(style.axisLineWidth)
        return (plot.maxY + lw, plot.minX - lw)
    }

    /// Where every shown tick label goes: one place decides, drawing and the layout tests agree.
    func tickLabelPlacements() -> [LabelPlacement] {
        let tl = style.px(style.tickLength), gap = style.px(4), (bottom, left) = tickEdges
        var out: [LabelPlacement] = []
        if !x.plan.hidden {
            for (i, t) in x.ticks.enumerated() where i % x.labelEvery == 0 {
                let px = xPixel(t.value)
                if x.labelAngle == 0 {
                    out.append(LabelPlacement(text: t.label, at: Point(px, bottom + tl + gap), anchor: TextAnchor(.center, .top), angle: 0))
                } else {
                    let at = Point(px + style.tick.size * 0.2, bottom + tl + gap + style.tick.size * 0.25)
                    out.append(LabelPlacement(text: t.label, at: at, anchor: TextAnchor(.end, .middle), angle: x.labelAngle))
                }
            }
        }
        if !y.plan.hidden {
            for (i, t) in y.ticks.enumerated() where i % y.labelEvery == 0 {
                out.append(LabelPlacement(text: t.label, at: Point(left - tl - gap, yPixel(t.value)),
                                          anchor: TextAnchor(.end, .middle), angle: 0))
            }
        }
        return out
    }

    /// Spines (left and bottom, or a full box), outward ticks, tick labels, axis titles, title.
    func drawAxes(on canvas: Canvas, boxed: Bool = false) throws {
        let lw = style.px(style.axisLineWidth), tl = style.px(style.tickLength)
        let color = style.axisColor
        if boxed {
            canvas.stroke(plot.insetBy(-lw), color, lineWidth: lw)
        } else {
            if !x.plan.hidden { canvas.hLine(y: plot.maxY + lw / 2, from: plot.minX - lw, to: plot.maxX, color, lineWidth: lw) }
            if !y.plan.hidden { canvas.vLine(x: plot.minX - lw / 2, from: plot.minY, to: plot.maxY + lw, color, lineWidth: lw) }
        }
        let (bottom, left) = tickEdges
        if !x.plan.hidden {
            for v in x.minor { canvas.vLine(x: xPixel(v), from: bottom, to: bottom + tl * 0.6, color, lineWidth: lw) }
            for t in x.ticks { canvas.vLine(x: xPixel(t.value), from: bottom, to: bottom + tl, color, lineWidth: lw) }
        }
        if !y.plan.hidden {
            for v in y.minor { canvas.hLine(y: yPixel(v), from: left - tl * 0.6, to: left, color, lineWidth: lw) }
            for t in y.ticks { canvas.hLine(y: yPixel(t.value), from: left - tl, to: left, color, lineWidth: lw) }
        }
        for p in tickLabelPlacements() {
            try canvas.text(p.text, at: p.at, font: font, style: style.tick, anchor: p.anchor, angle: p.angle)
        }
        try drawAxisLabels(on: canvas)
        try drawTitle(on: canvas)
    }

    /// The x-axis title below the tick labels and the y-axis title left of them, reading upwards.
    func drawAxisLabels(on canvas: Canvas) throws {
        let tickRoom = style.px(style.tickLength) + style.px(4) + style.px(style.axisLineWidth)
        if let label = x.plan.label, !x.plan.hidden {
            let lineH = style.tick.size * (Font.capHeight + Font.descent)
            let y0 = plot.maxY + tickRoom + max(lineH, x.labelDepth) + style.px(8)
            try canvas.text(label, at: Point(plot.midX, y0), font: font, style: style.label, anchor: TextAnchor(.center, .top))
        }
        if let label = y.plan.label, !y.plan.hidden {
            let x0 = plot.minX - tickRoom - y.labelDepth - style.px(8) - style.label.size * (Font.capHeight + Font.descent)
            try canvas.text(label, at: Point(max(style.px(style.padding), x0), plot.midY), font: font,
                            style: style.label, anchor: TextAnchor(.center, .top), angle: 90)
        }
    }

    /// The chart title centred over the plot, kept inside the canvas.
    func drawTitle(on canvas: Canvas) throws {
        guard let title else { return }
        let s = style.title(), pad = style.px(style.padding)
        let w = try font.measure(title, size: s.size, bold: true).width
        let W = Double(canvas.width)
        let cx = min(max(plot.midX, pad + w / 2), W - pad - w / 2)
        try canvas.text(title, at: Point(cx, pad), font: font, style: s, anchor: TextAnchor(.center, .top))
    }
}
