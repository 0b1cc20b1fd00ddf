import Images

/// A patch grid of values (e.g. token norms or received attention per patch) alpha-blended over
/// the image it came from, with a colour bar and optional outlined cells (e.g. sink tokens).
///
/// Each image pixel in cell (r, c) becomes `round(colour * alpha + image * (1 - alpha))`, where
/// the image is first resampled to the drawn size and `colour` is the map's colour of the cell.
///
///     let overlay = try HeatmapOverlay(image: RGBImage(width: 224, height: 224, pixels: rgb),
///                                      grid: GridValues(rows: 16, columns: 16, values: norms),
///                                      marked: sinkCells, title: "Layer 9 norms", colorBarLabel: "norm")
public struct HeatmapOverlay: Chart {
    public var image: RGBImage
    public var grid: GridValues
    public var colorMap: ColorMap
    /// nil: the data's extent (symmetric around 0 for a diverging map).
    public var valueRange: ClosedRange<Double>?
    /// Opacity of the heatmap over the image, 0...1.
    public var alpha: Double
    /// Cells to outline, as row-major indices `row * columns + column`.
    public var marked: [Int]
    public var markColor: RGB
    public var title: String?
    public var colorBarLabel: String?
    public var style: ChartStyle

    /// - Throws: `PlottingError` for alpha outside 0...1 or a marked cell outside the grid.
    public init(image: RGBImage, grid: GridValues, colorMap: ColorMap = .magma, valueRange: ClosedRange<Double>? = nil,
                alpha: Double = 0.6, marked: [Int] = [], markColor: RGB = .white, title: String? = nil,
                colorBarLabel: String? = nil, style: ChartStyle = ChartStyle(width: 520, height: 440)) throws {
        guard (0...1).contains(alpha) else {
            throw PlottingError.invalidParameter(name: "overlay alpha", value: "\(alpha)", expected: "0...1")
        }
        if let bad = marked.first(where: { !(0..<(grid.rows * grid.columns)).contains($0) }) {
            throw PlottingError.invalidParameter(name: "marked cell", value: "\(bad)",
                                                 expected: "0..<\(grid.rows * grid.columns) (row * columns + column)")
        }
        self.image = image
        self.grid = grid
        self.colorMap = colorMap
        self.valueRange = valueRange
        self.alpha = alpha
        self.marked = marked
        self.markColor = markColor
        self.title = title
        self.colorBarLabel = colorBarLabel
        self.style = style
    }

    /// The frame, colour bar and the image's whole-pixel area (device pixels).
    func layout(font: Font) throws -> (frame: PlotFrame, bar: ColorBar, area: Rect, range: ClosedRange<Double>) {
        let range = try grid.colorRange(valueRange, diverging: colorMap.isDiverging)
        let bar = ColorBar(map: colorMap, range: range, label: colorBarLabel, height: Double(style.pixelHeight) * 0.75, style: style)
        let frame = try PlotFrame.layout(style: style, font: font, title: title, x: .hidden(0, 1), y: .hidden(0, 1),
                                         right: bar.reserve(style: style, font: font),
                                         aspect: Double(image.width) / Double(image.height))
        let x0 = Int(frame.plot.minX.rounded()), y0 = Int(frame.plot.minY.rounded())
        let w = Int(frame.plot.width.rounded()), h = Int(frame.plot.height.rounded())
        return (frame, bar, Rect(x: Double(x0), y: Double(y0), width: Double(w), height: Double(h)), range)
    }

    public func draw(on canvas: Canvas, font: Font) throws {
        let (frame, bar, area, range) = try layout(font: font)
        let x0 = Int(area.minX), y0 = Int(area.minY), w = Int(area.width), h = Int(area.height)
        try blendGrid(on: canvas, at: (x0, y0), size: (w, h), range: range)
        let xs = cellEdges(origin: area.minX, length: area.width, count: grid.columns)
        let ys = cellEdges(origin: area.minY, length: area.height, count: grid.rows)
        for cell in marked {
            let r = cell / grid.columns, c = cell % grid.columns
            let box = Rect(x: Double(xs[c]), y: Double(ys[r]), width: Double(xs[c + 1] - xs[c]), height: Double(ys[r + 1] - ys[r]))
            // A light outline with a dark rim reads on both dark and bright cells.
            let lw = max(1, (min(box.width, box.height) * 0.14).rounded(.down))
            canvas.stroke(box, .black, lineWidth: lw + 1, alpha: 0.75)
            canvas.stroke(box.insetBy(1), markColor, lineWidth: lw)
        }
        let lw = style.px(style.axisLineWidth)
        canvas.stroke(area.insetBy(-lw), style.axisColor, lineWidth: lw)
        try frame.drawTitle(on: canvas)
        try bar.draw(on: canvas, beside: area, style: style, font: font)
    }

    /// Writes the resampled image into the area and blends each cell's colour over it.
    func blendGrid(on canvas: Canvas, at origin: (x: Int, y: Int), size: (w: Int, h: Int), range: ClosedRange<Double>) throws {
        let base = image.resampled(width: size.w, height: size.h)
        let colors = grid.values.map { $0.isFinite ? colorMap.color(for: $0, in: range) : nil }
        // The same edges as the outlines use, so a marked cell's frame sits on its colour.
        let column = cellIndex(cellEdges(origin: Double(origin.x), length: Double(size.w), count: grid.columns), origin.x, size.w)
        let row = cellIndex(cellEdges(origin: Double(origin.y), length: Double(size.h), count: grid.rows), origin.y, size.h)
        for j in 0..<size.h {
            let y = origin.y + j
            guard y >= 0, y < canvas.height else { continue }
            for i in 0..<size.w {
                let x = origin.x + i
                guard x >= 0, x < canvas.width else { continue }
                let p = (j * size.w + i) * 3
                canvas.rows[y][x] = Int32(base.pixels[p]) << 16 | Int32(base.pixels[p + 1]) << 8 | Int32(base.pixels[p + 2])
                if let c = colors[row[j] * grid.columns + column[i]] {
                    canvas.blend(x, y, c, alpha)
                }
            }
        }
    }

    /// For each of `n` pixels from `origin`, the cell whose edges contain it.
    func cellIndex(_ edges: [Int], _ origin: Int, _ n: Int) -> [Int] {
        var out = [Int](repeating: 0, count: n), k = 0
        for i in 0..<n {
            while k < edges.count - 2 && origin + i >= edges[k + 1] { k += 1 }
            out[i] = k
        }
        return out
    }
}
