import Images

/// A matrix as coloured cells with labelled rows and columns (e.g. layer x layer CKA), row 0
/// at the top, a colour bar, and the values written in the cells when they are large enough.
///
///     let chart = try MatrixHeatmap(grid: GridValues(rows: 13, columns: 13, values: cka),
///                                   rowLabels: layerNames, columnLabels: layerNames,
///                                   title: "Linear CKA", xLabel: "layer", yLabel: "layer",
///                                   colorBarLabel: "CKA", valueRange: 0...1)
public struct MatrixHeatmap: Chart {
    public var grid: GridValues
    /// One per row; nil: 0, 1, 2, ...
    public var rowLabels: [String]
    public var columnLabels: [String]
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var colorBarLabel: String?
    public var colorMap: ColorMap
    /// nil: the data's extent (symmetric around 0 for a diverging map).
    public var valueRange: ClosedRange<Double>?
    /// nil: write values in the cells when the widest value fits and there are at most 400.
    public var annotate: Bool?
    /// Decimals of the cell annotations.
    public var decimals: Int
    public var style: ChartStyle

    /// - Throws: `PlottingError.shapeMismatch` when a label list does not have one entry per
    ///   row or column.
    public init(grid: GridValues, rowLabels: [String]? = nil, columnLabels: [String]? = nil, title: String? = nil,
                xLabel: String? = nil, yLabel: String? = nil, colorBarLabel: String? = nil,
                colorMap: ColorMap = .viridis, valueRange: ClosedRange<Double>? = nil, annotate: Bool? = nil,
                decimals: Int = 2, style: ChartStyle = ChartStyle(width: 640, height: 560)) throws {
        let rl = rowLabels ?? (0..<grid.rows).map(String.init)
        let cl = columnLabels ?? (0..<grid.columns).map(String.init)
        try requireCount("matrix row labels", rl.count, grid.rows)
        try requireCount("matrix column labels", cl.count, grid.columns)
        self.grid = grid
        self.rowLabels = rl
        self.columnLabels = cl
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.colorBarLabel = colorBarLabel
        self.colorMap = colorMap
        self.valueRange = valueRange
        self.annotate = annotate
        self.decimals = max(0, min(6, decimals))
        self.style = style
    }

    /// The frame, colour bar and cell edges (device pixels) this chart is drawn with.
    func layout(font: Font) throws -> (frame: PlotFrame, bar: ColorBar, xs: [Int], ys: [Int], range: ClosedRange<Double>) {
        let range = try grid.colorRange(valueRange, diverging: colorMap.isDiverging)
        let xPlan = AxisPlan.categorical(columnLabels, label: xLabel)
        // Row 0 at the top: row r sits at height rows - r - 0.5 on a bottom-up axis.
        var yPlan = AxisPlan.categorical(rowLabels, label: yLabel)
        yPlan.fixedTicks = rowLabels.enumerated().map { Tick(Double(grid.rows - $0.offset) - 0.5, $0.element) }.reversed()
        let bar = ColorBar(map: colorMap, range: range, label: colorBarLabel, height: Double(style.pixelHeight) * 0.7, style: style)
        let frame = try PlotFrame.layout(style: style, font: font, title: title, x: xPlan, y: yPlan,
                                         right: bar.reserve(style: style, font: font),
                                         aspect: Double(grid.columns) / Double(grid.rows))
        let xs = cellEdges(origin: frame.plot.minX, length: frame.plot.width, count: grid.columns)
        let ys = cellEdges(origin: frame.plot.minY, length: frame.plot.height, count: grid.rows)
        return (frame, bar, xs, ys, range)
    }

    public func draw(on canvas: Canvas, font: Font) throws {
        let (frame, bar, xs, ys, range) = try layout(font: font)
        let missing = RGB(hex: 0xEEEEEE)
        for r in 0..<grid.rows {
            for c in 0..<grid.columns {
                let v = grid[r, c]
                canvas.fill(cellRect(xs, ys, r, c), v.isFinite ? colorMap.color(for: v, in: range) : missing)
            }
        }
        if shouldAnnotate(cellWidth: frame.plot.width / Double(grid.columns), font: font) {
            try writeValues(canvas, font, xs, ys, range)
        }
        try frame.drawAxes(on: canvas, boxed: true)
        try bar.draw(on: canvas, beside: frame.plot, style: style, font: font)
    }

    func cellRect(_ xs: [Int], _ ys: [Int], _ r: Int, _ c: Int) -> Rect {
        Rect(x: Double(xs[c]), y: Double(ys[r]), width: Double(xs[c + 1] - xs[c]), height: Double(ys[r + 1] - ys[r]))
    }

    func label(_ v: Double) -> String { TickFormatter.plain(v, decimals: decimals) }

    func shouldAnnotate(cellWidth: Double, font: Font) -> Bool {
        if let annotate { return annotate }
        guard grid.rows * grid.columns <= 400 else { return false }
        let widest = grid.values.filter(\.isFinite).map { label($0) }.max { $0.count < $1.count } ?? ""
        let width = (try? font.measure(widest, size: style.px(style.annotationSize)).width) ?? .infinity
        return cellWidth >= max(style.px(24), width + style.px(4))
    }

    /// Values in the cells: dark text on light cells, white on dark ones.
    func writeValues(_ canvas: Canvas, _ font: Font, _ xs: [Int], _ ys: [Int], _ range: ClosedRange<Double>) throws {
        for r in 0..<grid.rows {
            for c in 0..<grid.columns {
                let v = grid[r, c]
                guard v.isFinite else { continue }
                let cell = cellRect(xs, ys, r, c)
                let ink: RGB = colorMap.color(for: v, in: range).luminance > 0.36 ? RGB(hex: 0x1A1A1A) : .white
                try canvas.text(label(v), at: Point(cell.midX, cell.midY), font: font,
                                style: TextStyle(size: style.px(style.annotationSize), color: ink),
                                anchor: TextAnchor(.center, .middle))
            }
        }
    }
}
