import Images

/// Several series over a shared x axis (e.g. probe score vs layer per token group), each with
/// an optional shaded confidence band between `lower` and `upper`.
///
///     let chart = try LineChart(series: [
///         .init(name: "sinks", x: layers, y: acc, lower: lo, upper: hi),
///         .init(name: "random-k", x: layers, y: base, dashed: true)],
///         title: "Class probe", xAxis: Axis("layer", integerTicks: true), yAxis: Axis("accuracy"))
public struct LineChart: Chart {
    public struct Series: Sendable, Equatable {
        public var name: String
        public var x: [Double]
        /// Non-finite values break the line.
        public var y: [Double]
        /// Band bounds, same length as `y` (both or neither).
        public var lower: [Double]?
        public var upper: [Double]?
        /// nil: the palette colour of this series' index.
        public var color: RGB?
        /// nil: a shape per series index (circle, square, triangle, diamond) so series stay
        /// distinct in greyscale print.
        public var marker: MarkerShape?
        public var dashed: Bool

        public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil,
                    color: RGB? = nil, marker: MarkerShape? = nil, dashed: Bool = false) {
            self.name = name
            self.x = x
            self.y = y
            self.lower = lower
            self.upper = upper
            self.color = color
            self.marker = marker
            self.dashed = dashed
        }
    }

    public var series: [Series]
    public var title: String?
    public var xAxis: Axis
    public var yAxis: Axis
    public var legend: LegendPlacement
    /// Markers at the data points (drawn only while a series has at most 60 points).
    public var showMarkers: Bool
    /// Opacity of the confidence bands.
    public var bandAlpha: Double
    public var style: ChartStyle
    /// Shaded x ranges behind the data (`LineChart+Spans.swift`); nil draws none.
    public var spans: Spans? = nil

    /// - Throws: `PlottingError` when there is no series, lengths differ, or only one of
    ///   `lower`/`upper` is given.
    public init(series: [Series], title: String? = nil, xAxis: Axis = Axis(), yAxis: Axis = Axis(),
                legend: LegendPlacement = .best, showMarkers: Bool = true, bandAlpha: Double = 0.18,
                style: ChartStyle = ChartStyle()) throws {
        guard !series.isEmpty else { throw PlottingError.emptyData(what: "line chart series") }
        for s in series {
            try requireCount("line series \"\(s.name)\" y", s.y.count, s.x.count)
            guard (s.lower == nil) == (s.upper == nil) else {
                throw PlottingError.invalidParameter(name: "line series \"\(s.name)\" band", value: "one bound",
                                                     expected: "both lower and upper, or neither")
            }
            if let l = s.lower { try requireCount("line series \"\(s.name)\" lower", l.count, s.x.count) }
            if let u = s.upper { try requireCount("line series \"\(s.name)\" upper", u.count, s.x.count) }
        }
        guard series.contains(where: { s in s.x.indices.contains { s.x[$0].isFinite && s.y[$0].isFinite } }) else {
            throw PlottingError.emptyData(what: "line chart (no finite point)")
        }
        self.series = series
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.legend = legend
        self.showMarkers = showMarkers
        self.bandAlpha = bandAlpha
        self.style = style
    }

    static let markerCycle: [MarkerShape] = [.circle, .square, .triangle, .diamond]

    func color(_ i: Int) -> RGB { series[i].color ?? Palette.color(i, in: style.palette) }
    func marker(_ i: Int) -> MarkerShape? {
        guard showMarkers, series[i].x.count <= 60 else { return nil }
        return series[i].marker ?? LineChart.markerCycle[i % LineChart.markerCycle.count]
    }

    /// A series' points sorted by x (bands are filled column by column, left to right).
    func sorted(_ s: Series) -> (x: [Double], y: [Double], lo: [Double]?, hi: [Double]?) {
        let order = s.x.indices.filter { s.x[$0].isFinite }.sorted { s.x[$0] < s.x[$1] }
        return (order.map { s.x[$0] }, order.map { s.y[$0] }, s.lower.map { l in order.map { l[$0] } },
                s.upper.map { u in order.map { u[$0] } })
    }

    /// The frame and legend box (device pixels) this chart is drawn in.
    func layout(font: Font) throws -> (frame: PlotFrame, legend: Rect?) {
        let xs = series.flatMap(\.x)
        let ys = series.flatMap { $0.y + ($0.lower ?? []) + ($0.upper ?? []) }
        let xe = finiteExtent(xs) ?? (0, 1)
        guard let ye = finiteExtent(ys.filter { !yAxis.log || $0 > 0 }) else {
            throw PlottingError.invalidParameter(name: "line chart y values on a log axis", value: "none positive",
                                                 expected: "at least one positive value")
        }
        let xPlan = try AxisPlan.from(xAxis, dataLower: xe.lower, dataUpper: xe.upper, margin: 0.03)
        let yPlan = try AxisPlan.from(yAxis, dataLower: ye.lower, dataUpper: ye.upper)
        return try layoutWithLegend(style: style, font: font, title: title, x: xPlan, y: yPlan, legend: legendBox) { f in
            series.flatMap { s -> [Point] in
                let p = sorted(s)
                var out = samplePolyline(zip(p.x, p.y).map { Point(f.xPixel($0), f.yPixel($1)) }, step: style.px(5))
                if let lo = p.lo, let hi = p.hi {
                    out += samplePolyline(zip(p.x, lo).map { Point(f.xPixel($0), f.yPixel($1)) }, step: style.px(5))
                    out += samplePolyline(zip(p.x, hi).map { Point(f.xPixel($0), f.yPixel($1)) }, step: style.px(5))
                }
                return out
            }
        }
    }

    var legendBox: Legend {
        Legend(entries: series.indices.map { i in
            LegendEntry(label: series[i].name, color: color(i),
                        swatch: .line(marker: marker(i), dashed: series[i].dashed, band: series[i].lower != nil))
        } + (spanLegendEntry.map { [$0] } ?? []), placement: legend)
    }

    public func draw(on canvas: Canvas, font: Font) throws {
        let (frame, legendRect) = try layout(font: font)
        frame.drawGrid(on: canvas)
        frame.clipped(canvas) {
            drawSpans(on: canvas, frame: frame)
            // Bands first, so every line stays visible on top of every band.
            for (i, s) in series.enumerated() {
                let p = sorted(s)
                guard let lo = p.lo, let hi = p.hi else { continue }
                canvas.fillBand(xs: p.x.map(frame.xPixel), lo.map(frame.yPixel), hi.map(frame.yPixel), color(i), alpha: bandAlpha)
            }
            for (i, s) in series.enumerated() {
                let p = sorted(s)
                let pts = zip(p.x, p.y).map { Point(frame.xPixel($0), frame.yPixel($1)) }
                canvas.strokePolyline(pts, color(i), lineWidth: style.px(style.lineWidth),
                                      dash: s.dashed ? [style.px(6), style.px(4)] : nil)
                if let m = marker(i) {
                    for q in pts where q.x.isFinite && q.y.isFinite { canvas.marker(m, at: q, size: style.px(7), color(i)) }
                }
            }
        }
        try frame.drawAxes(on: canvas)
        if let legendRect { try legendBox.draw(on: canvas, in: legendRect, style: style, font: font) }
    }
}
