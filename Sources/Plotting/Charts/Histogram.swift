import Images

/// A histogram of values (e.g. token norms of one layer), with linear or log counts and an
/// optional vertical threshold marker (e.g. the sink threshold tau).
///
///     let h = try Histogram(values: norms, bins: 60, logCounts: true,
///                           threshold: .init(value: 100, label: "τ = 100 (12 sinks)"),
///                           title: "Layer 9", xLabel: "token norm")
public struct Histogram: Chart {
    /// A labelled vertical marker line.
    public struct Threshold: Sendable, Equatable {
        public var value: Double
        public var label: String?
        public var color: RGB

        public init(value: Double, label: String? = nil, color: RGB = RGB(hex: 0xD55E00)) {
            self.value = value
            self.label = label
            self.color = color
        }
    }

    /// Bin edges, increasing: bins + 1 of them.
    public var edges: [Double]
    /// Count per bin.
    public var counts: [Double]
    public var logCounts: Bool
    public var threshold: Threshold?
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// nil: the palette's first colour.
    public var color: RGB?
    public var style: ChartStyle

    /// Bins `values` like numpy.histogram: `bins` equal-width bins over `range` (default: the
    /// finite data's min...max), the last bin closed on the right; values outside the range and
    /// non-finite values are not counted.
    /// - Throws: `PlottingError` for bins < 1 or no finite value.
    public init<V: BinaryFloatingPoint>(
        values: [V], bins: Int = 50, range: ClosedRange<Double>? = nil, logCounts: Bool = false,
        threshold: Threshold? = nil, title: String? = nil, xLabel: String? = nil, yLabel: String? = "count",
        color: RGB? = nil, style: ChartStyle = ChartStyle()
    ) throws {
        guard (1...10_000).contains(bins) else {
            throw PlottingError.invalidParameter(name: "bins", value: "\(bins)", expected: "1...10000")
        }
        guard let ext = range.map({ ($0.lowerBound, $0.upperBound) }) ?? finiteExtent(values) else {
            throw PlottingError.emptyData(what: "histogram values (no finite value)")
        }
        let lo = ext.0, hi = ext.1 > ext.0 ? ext.1 : ext.0 + 1
        let width = (hi - lo) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in values where v.isFinite {
            let d = Double(v)
            guard d >= lo, d <= hi else { continue }
            counts[min(bins - 1, Int((d - lo) / width))] += 1
        }
        let edges = (0...bins).map { lo + Double($0) * width }
        try self.init(edges: edges, counts: counts, logCounts: logCounts, threshold: threshold, title: title,
                      xLabel: xLabel, yLabel: yLabel, color: color, style: style)
    }

    /// A histogram from counts binned elsewhere.
    /// - Throws: `PlottingError.shapeMismatch` unless `edges.count == counts.count + 1`.
    public init(edges: [Double], counts: [Double], logCounts: Bool = false, threshold: Threshold? = nil,
                title: String? = nil, xLabel: String? = nil, yLabel: String? = "count", color: RGB? = nil,
                style: ChartStyle = ChartStyle()) throws {
        guard !counts.isEmpty else { throw PlottingError.emptyData(what: "histogram counts") }
        try requireCount("histogram edges", edges.count, counts.count + 1)
        guard edges.allSatisfy(\.isFinite), zip(edges, edges.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw PlottingError.invalidParameter(name: "histogram edges", value: "\(edges.prefix(4))...",
                                                 expected: "finite and strictly increasing")
        }
        self.edges = edges
        self.counts = counts
        self.logCounts = logCounts
        self.threshold = threshold
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.color = color
        self.style = style
    }

    /// The frame (device pixels) this chart is drawn in.
    func layout(font: Font) throws -> PlotFrame {
        var xLo = edges[0], xHi = edges[edges.count - 1]
        if let t = threshold, t.value.isFinite { (xLo, xHi) = (min(xLo, t.value), max(xHi, t.value)) }
        let xPlan = try AxisPlan.from(Axis(xLabel), dataLower: xLo, dataUpper: xHi, margin: 0.02)
        let positive = counts.filter { $0 > 0 }
        let yPlan: AxisPlan
        if logCounts {
            let lo = (positive.min() ?? 1) * 0.5, hi = (positive.max() ?? 10) * 2
            yPlan = AxisPlan(scale: try Scale(log: lo, max(hi, lo * 10)), label: yLabel)
        } else {
            yPlan = try AxisPlan.from(Axis(yLabel, integerTicks: true), dataLower: 0, dataUpper: max(1, counts.max() ?? 1),
                                      includeZero: true)
        }
        return try PlotFrame.layout(style: style, font: font, title: title, x: xPlan, y: yPlan)
    }

    public func draw(on canvas: Canvas, font: Font) throws {
        let frame = try layout(font: font)
        frame.drawGrid(on: canvas)
        let fill = color ?? Palette.color(0, in: style.palette)
        frame.clipped(canvas) {
            for (i, c) in counts.enumerated() where c > 0 {
                let top = frame.yPixel(c)
                let x0 = frame.xPixel(edges[i]), x1 = frame.xPixel(edges[i + 1])
                canvas.fill(Rect(from: Point(x0, frame.plot.maxY), to: Point(x1, top)), fill, alpha: 0.85)
                // A light seam between wide bins keeps neighbouring counts apart.
                if x1 - x0 >= style.px(5) { canvas.vLine(x: x1, from: top, to: frame.plot.maxY, style.background, lineWidth: style.px(1)) }
            }
        }
        try frame.drawAxes(on: canvas)
        if let t = threshold, t.value.isFinite { try drawThreshold(t, frame, canvas, font) }
    }

    /// A dashed line at the threshold and its label at the top, on the side with room.
    func drawThreshold(_ t: Threshold, _ f: PlotFrame, _ canvas: Canvas, _ font: Font) throws {
        let x = f.xPixel(t.value)
        f.clipped(canvas) {
            canvas.strokeLine(from: Point(x, f.plot.minY), to: Point(x, f.plot.maxY), t.color,
                              lineWidth: style.px(1.8), dash: [style.px(6), style.px(4)])
        }
        guard let label = t.label, !label.isEmpty else { return }
        let s = TextStyle(size: style.legend.size, color: t.color, bold: true)
        let width = try font.measure(label, size: s.size, bold: true).width
        let gap = style.px(6), pad = style.px(3)
        let right = x + gap + width <= f.plot.maxX
        let anchor = Point(right ? x + gap : x - gap, f.plot.minY + style.px(8))
        let box = try Canvas.textBox(label, at: anchor, font: font, style: s, anchor: TextAnchor(right ? .start : .end, .top))
        canvas.fill(box.insetBy(-pad), style.background, alpha: 0.85)
        try canvas.text(label, at: anchor, font: font, style: s, anchor: TextAnchor(right ? .start : .end, .top))
    }
}
