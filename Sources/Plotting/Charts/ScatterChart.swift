import Images

/// Points coloured by category (e.g. a PCA projection of sink vs non-sink tokens) with a legend.
/// Groups are drawn in order, so put the small group of interest last to keep it on top.
///
///     let chart = try ScatterChart(x: pc1, y: pc2, categories: isSink.map { $0 ? 1 : 0 },
///                                  names: ["non-sink", "sink"], title: "PCA, layer 9",
///                                  xAxis: Axis("PC 1"), yAxis: Axis("PC 2"))
public struct ScatterChart: Chart {
    public struct Group: Sendable, Equatable {
        public var name: String
        public var x: [Float]
        public var y: [Float]
        /// nil: the palette colour of this group's index.
        public var color: RGB?

        public init(name: String, x: [Float], y: [Float], color: RGB? = nil) {
            self.name = name
            self.x = x
            self.y = y
            self.color = color
        }
    }

    public var groups: [Group]
    public var title: String?
    public var xAxis: Axis
    public var yAxis: Axis
    public var legend: LegendPlacement
    /// Marker diameter in logical pixels.
    public var pointSize: Double
    /// Marker opacity; below 1 so dense regions show their density.
    public var alpha: Double
    public var style: ChartStyle

    /// - Throws: `PlottingError` when there is no group, x and y lengths differ, or no point
    ///   is finite.
    public init(groups: [Group], title: String? = nil, xAxis: Axis = Axis(), yAxis: Axis = Axis(),
                legend: LegendPlacement = .best, pointSize: Double = 4.5, alpha: Double = 0.7,
                style: ChartStyle = ChartStyle()) throws {
        guard !groups.isEmpty else { throw PlottingError.emptyData(what: "scatter groups") }
        for g in groups { try requireCount("scatter group \"\(g.name)\" y", g.y.count, g.x.count) }
        guard groups.contains(where: { g in g.x.indices.contains { g.x[$0].isFinite && g.y[$0].isFinite } }) else {
            throw PlottingError.emptyData(what: "scatter chart (no finite point)")
        }
        self.groups = groups
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.legend = legend
        self.pointSize = pointSize
        self.alpha = alpha
        self.style = style
    }

    /// Points with a category index each (`names[categories[i]]`), split into one group per name.
    /// - Throws: `PlottingError` for mismatched lengths or a category outside `names`.
    public init(x: [Float], y: [Float], categories: [Int], names: [String], title: String? = nil,
                xAxis: Axis = Axis(), yAxis: Axis = Axis(), legend: LegendPlacement = .best,
                pointSize: Double = 4.5, alpha: Double = 0.7, style: ChartStyle = ChartStyle()) throws {
        try requireCount("scatter y", y.count, x.count)
        try requireCount("scatter categories", categories.count, x.count)
        var groups = names.map { Group(name: $0, x: [], y: []) }
        for i in x.indices {
            let c = categories[i]
            guard names.indices.contains(c) else {
                throw PlottingError.invalidParameter(name: "scatter category of point \(i)", value: "\(c)",
                                                     expected: "0..<\(names.count)")
            }
            groups[c].x.append(x[i])
            groups[c].y.append(y[i])
        }
        try self.init(groups: groups, title: title, xAxis: xAxis, yAxis: yAxis, legend: legend,
                      pointSize: pointSize, alpha: alpha, style: style)
    }

    func color(_ i: Int) -> RGB { groups[i].color ?? Palette.color(i, in: style.palette) }

    /// The frame and legend box (device pixels) this chart is drawn in.
    func layout(font: Font) throws -> (frame: PlotFrame, legend: Rect?) {
        let xe = finiteExtent(groups.lazy.flatMap(\.x)) ?? (0, 1), ye = finiteExtent(groups.lazy.flatMap(\.y)) ?? (0, 1)
        let xPlan = try AxisPlan.from(xAxis, dataLower: xe.lower, dataUpper: xe.upper)
        let yPlan = try AxisPlan.from(yAxis, dataLower: ye.lower, dataUpper: ye.upper)
        return try layoutWithLegend(style: style, font: font, title: title, x: xPlan, y: yPlan, legend: legendBox) { f in
            groups.flatMap { g in zip(g.x, g.y).map { Point(f.xPixel(Double($0)), f.yPixel(Double($1))) } }
        }
    }

    var legendBox: Legend {
        Legend(entries: groups.indices.map { LegendEntry(label: groups[$0].name, color: color($0), swatch: .marker(.circle)) },
               placement: legend)
    }

    public func draw(on canvas: Canvas, font: Font) throws {
        let (frame, legendRect) = try layout(font: font)
        frame.drawGrid(on: canvas)
        let r = style.px(pointSize) / 2
        frame.clipped(canvas) {
            for (i, g) in groups.enumerated() {
                let c = color(i)
                for k in g.x.indices where g.x[k].isFinite && g.y[k].isFinite {
                    canvas.fillCircle(center: Point(frame.xPixel(Double(g.x[k])), frame.yPixel(Double(g.y[k]))),
                                      radius: r, c, alpha: alpha)
                }
            }
        }
        try frame.drawAxes(on: canvas)
        if let legendRect { try legendBox.draw(on: canvas, in: legendRect, style: style, font: font) }
    }
}
