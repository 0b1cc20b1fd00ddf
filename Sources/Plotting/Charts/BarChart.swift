import Images

/// Grouped bars: one group per category, one bar per series, optional symmetric error bars
/// (e.g. a 95 % confidence half-width).
///
///     let chart = try BarChart(
///         categories: ["cls", "sinks", "non-sinks"],
///         series: [.init(name: "probe", values: [0.91, 0.86, 0.51], errors: [0.02, 0.03, 0.02]),
///                  .init(name: "control", values: [0.12, 0.10, 0.11])],
///         title: "Linear probe accuracy", yAxis: Axis("accuracy"))
///     try chart.write(to: url)
public struct BarChart: Chart {
    public struct Series: Sendable, Equatable {
        public var name: String
        /// One value per category; non-finite values leave a gap.
        public var values: [Double]
        /// Error-bar half-lengths, one per category (nil: no error bars).
        public var errors: [Double]?
        /// nil: the style's palette colour for this series' index.
        public var color: RGB?

        public init(name: String, values: [Double], errors: [Double]? = nil, color: RGB? = nil) {
            self.name = name
            self.values = values
            self.errors = errors
            self.color = color
        }
    }

    public var categories: [String]
    public var series: [Series]
    public var title: String?
    public var xLabel: String?
    public var yAxis: Axis
    /// Shown when there is more than one series.
    public var legend: LegendPlacement
    public var style: ChartStyle

    /// - Throws: `PlottingError` when there are no categories or series, or a series' values or
    ///   errors do not have one entry per category.
    public init(categories: [String], series: [Series], title: String? = nil, xLabel: String? = nil,
                yAxis: Axis = Axis(), legend: LegendPlacement = .best, style: ChartStyle = ChartStyle()) throws {
        guard !categories.isEmpty else { throw PlottingError.emptyData(what: "bar chart categories") }
        guard !series.isEmpty else { throw PlottingError.emptyData(what: "bar chart series") }
        for s in series {
            try requireCount("bar series \"\(s.name)\" values", s.values.count, categories.count)
            if let e = s.errors { try requireCount("bar series \"\(s.name)\" errors", e.count, categories.count) }
        }
        self.categories = categories
        self.series = series
        self.title = title
        self.xLabel = xLabel
        self.yAxis = yAxis
        self.legend = legend
        self.style = style
    }

    /// Fraction of a category's width the group of bars takes.
    static let groupWidth = 0.8

    /// Left edge and width, in category units, of series `s`'s bar in category `c`.
    func barSpan(category c: Int, series s: Int) -> (left: Double, width: Double) {
        let w = BarChart.groupWidth / Double(series.count)
        return (Double(c) + (1 - BarChart.groupWidth) / 2 + Double(s) * w, w)
    }

    /// The frame and legend box (device pixels) this chart is drawn in.
    func layout(font: Font) throws -> (frame: PlotFrame, legend: Rect?) {
        var ends: [Double] = []
        for s in series {
            for (i, v) in s.values.enumerated() where v.isFinite {
                let e = s.errors?[i] ?? 0
                ends += e.isFinite ? [v - abs(e), v + abs(e)] : [v]
            }
        }
        let ext = finiteExtent(ends) ?? (0, 1)
        let xPlan = AxisPlan.categorical(categories, label: xLabel)
        let yPlan = try AxisPlan.from(yAxis, dataLower: ext.lower, dataUpper: ext.upper, includeZero: true)
        return try layoutWithLegend(style: style, font: font, title: title, x: xPlan, y: yPlan, legend: legendBox) { f in
            series.indices.flatMap { s in categories.indices.flatMap { c in samplePoints(barRect(f, c, s), step: style.px(6)) } }
        }
    }

    var legendBox: Legend {
        Legend(entries: series.count > 1
                   ? series.enumerated().map { LegendEntry(label: $1.name, color: color($0), swatch: .patch) } : [],
               placement: legend)
    }

    public func draw(on canvas: Canvas, font: Font) throws {
        let (frame, legendRect) = try layout(font: font)
        frame.drawGrid(on: canvas)
        frame.clipped(canvas) {
            for s in series.indices {
                for c in categories.indices { canvas.fill(barRect(frame, c, s), color(s)) }
            }
            drawErrorBars(frame, canvas)
        }
        try frame.drawAxes(on: canvas)
        if let legendRect { try legendBox.draw(on: canvas, in: legendRect, style: style, font: font) }
    }

    func color(_ s: Int) -> RGB { series[s].color ?? Palette.color(s, in: style.palette) }

    /// The device-pixel rectangle of one bar (empty for a missing value). Bars grow from 0, or
    /// from the bottom of a log axis.
    func barRect(_ f: PlotFrame, _ c: Int, _ s: Int) -> Rect {
        let v = series[s].values[c]
        guard v.isFinite else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        let span = barSpan(category: c, series: s)
        // A hairline gap between neighbouring bars keeps same-coloured groups apart.
        let x0 = f.xPixel(span.left), x1 = f.xPixel(span.left + span.width) - (series.count > 1 ? style.px(1) : 0)
        let base = f.y.scale.kind == .log ? f.plot.maxY : f.yPixel(0)
        return Rect(from: Point(x0, base), to: Point(x1, f.yPixel(v)))
    }

    func drawErrorBars(_ f: PlotFrame, _ canvas: Canvas) {
        let ink = RGB(hex: 0x262626), lw = style.px(1.3)
        for (s, series) in series.enumerated() {
            guard let errors = series.errors else { continue }
            for c in categories.indices {
                let v = series.values[c], e = abs(errors[c])
                guard v.isFinite, e.isFinite, e > 0 else { continue }
                let span = barSpan(category: c, series: s)
                let cx = f.xPixel(span.left + span.width / 2)
                let cap = min(style.px(6), (f.xPixel(span.left + span.width) - f.xPixel(span.left)) * 0.3)
                let top = f.yPixel(v + e), bottom = f.yPixel(v - e)
                canvas.strokeLine(from: Point(cx, top), to: Point(cx, bottom), ink, lineWidth: lw)
                canvas.strokeLine(from: Point(cx - cap, top), to: Point(cx + cap, top), ink, lineWidth: lw)
                canvas.strokeLine(from: Point(cx - cap, bottom), to: Point(cx + cap, bottom), ink, lineWidth: lw)
            }
        }
    }
}
