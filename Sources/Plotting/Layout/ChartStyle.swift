import Images

/// Size, resolution, fonts and colours shared by every chart.
///
/// Lengths are logical pixels; `scale` multiplies all of them, so `scale: 2` gives the same
/// figure at twice the resolution (1600x1000 for the default 800x500) with a doubled DPI tag,
/// which prints at the same physical size. The defaults suit a one-column paper figure.
public struct ChartStyle: Sendable, Equatable {
    public var width: Int
    public var height: Int
    /// Resolution multiplier (1 for screen, 2 for print or high-DPI screens).
    public var scale: Double
    /// Dots per inch recorded in the PNG at scale 1 (multiplied by `scale`).
    public var dpi: Int
    /// nil: DejaVu Sans found on this machine.
    public var font: Font?

    public var titleSize: Double = 15
    public var labelSize: Double = 13
    public var tickSize: Double = 11.5
    public var legendSize: Double = 12
    public var annotationSize: Double = 10.5

    public var background: RGB = .white
    public var textColor: RGB = RGB(hex: 0x222222)
    public var axisColor: RGB = RGB(hex: 0x4D4D4D)
    public var gridColor: RGB = RGB(hex: 0xE6E6E6)
    /// Series and category colours (colour-blind safe by default).
    public var palette: [RGB] = Palette.okabeIto

    /// Outer margin around everything.
    public var padding: Double = 12
    public var tickLength: Double = 5
    /// Width of data lines.
    public var lineWidth: Double = 2
    public var axisLineWidth: Double = 1
    /// Light horizontal / vertical lines at the major ticks behind the data.
    public var grid: Bool = true
    /// zlib level of the PNG. Charts are mostly flat colour: level 3 writes the report's figure
    /// set 14% larger than level 6 (still smaller than matplotlib's level-6 files) in a third of
    /// the encoding time, which was two thirds of the drawing time at level 6.
    public var compression: Int = 3

    public init(width: Int = 800, height: Int = 500, scale: Double = 1, dpi: Int = 100, font: Font? = nil) {
        self.width = width
        self.height = height
        self.scale = scale
        self.dpi = dpi
        self.font = font
    }

    /// The canvas size in device pixels.
    public var pixelWidth: Int { Int((Double(width) * scale).rounded()) }
    public var pixelHeight: Int { Int((Double(height) * scale).rounded()) }

    /// A logical length in device pixels.
    func px(_ v: Double) -> Double { v * scale }

    func title(_ color: RGB? = nil) -> TextStyle { TextStyle(size: px(titleSize), color: color ?? textColor, bold: true) }
    var label: TextStyle { TextStyle(size: px(labelSize), color: textColor) }
    var tick: TextStyle { TextStyle(size: px(tickSize), color: textColor) }
    var legend: TextStyle { TextStyle(size: px(legendSize), color: textColor) }

    /// Checks the sizes before any pixel is allocated.
    func validate() throws {
        guard scale > 0, scale <= 8, scale.isFinite else {
            throw PlottingError.invalidParameter(name: "scale", value: "\(scale)", expected: "a factor in (0, 8]")
        }
        guard width >= 100, height >= 80, pixelWidth <= Canvas.maxSide, pixelHeight <= Canvas.maxSide else {
            throw PlottingError.canvasTooLarge(width: pixelWidth, height: pixelHeight)
        }
    }
}
