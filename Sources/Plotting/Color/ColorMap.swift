import Images

/// A continuous colour map: 256 colours from low (index 0) to high, looked up by a value in 0...1.
///
/// The tables are the published ones (see `scripts/gen_colormaps.py`): viridis and magma
/// (van der Walt & Smith 2015, perceptually uniform, readable in greyscale and by colour-blind
/// readers), ColorBrewer's RdBu and Moreland's coolwarm for signed quantities around a centre.
public struct ColorMap: Sendable, Equatable {
    public let name: String
    /// 256 colours, index 0 = low end.
    public let colors: [RGB]
    /// True for maps meant for signed data centred on a midpoint (charts then centre the range).
    public let isDiverging: Bool

    public init(name: String, colors: [RGB], isDiverging: Bool = false) {
        self.name = name
        self.colors = colors.isEmpty ? [.black] : colors
        self.isDiverging = isDiverging
    }

    init(name: String, table: [UInt32], isDiverging: Bool = false) {
        self.init(name: name, colors: table.map { RGB(hex: $0) }, isDiverging: isDiverging)
    }

    public static let viridis = ColorMap(name: "viridis", table: ColorMapTables.viridis)
    public static let magma = ColorMap(name: "magma", table: ColorMapTables.magma)
    /// Red (low) through white to blue (high), as ColorBrewer and matplotlib define RdBu.
    public static let rdBu = ColorMap(name: "RdBu", table: ColorMapTables.rdBu, isDiverging: true)
    /// Blue (low) through light grey to red (high).
    public static let coolwarm = ColorMap(name: "coolwarm", table: ColorMapTables.coolwarm, isDiverging: true)

    /// Every built-in map, for lookup by name.
    public static let all: [ColorMap] = [.viridis, .magma, .rdBu, .coolwarm]

    /// A built-in map by case-insensitive name; `_r` suffix reverses it (matplotlib's convention).
    public static func named(_ name: String) -> ColorMap? {
        let lower = name.lowercased()
        if lower.hasSuffix("_r") { return named(String(name.dropLast(2)))?.reversed() }
        return all.first { $0.name.lowercased() == lower }
    }

    /// The same map run backwards (e.g. blue-low RdBu for "more is red").
    public func reversed() -> ColorMap {
        let base = name.hasSuffix("_r") ? String(name.dropLast(2)) : name + "_r"
        return ColorMap(name: base, colors: colors.reversed(), isDiverging: isDiverging)
    }

    /// The colour for `t` in 0...1 (clamped): entry `floor(t * 256)`, capped at 255, the way
    /// matplotlib indexes a 256-entry table. NaN maps to the low end.
    public func color(at t: Double) -> RGB {
        guard t.isFinite else { return colors[0] }
        let n = colors.count
        return colors[min(n - 1, max(0, Int(t * Double(n))))]
    }

    /// The colour of `value` on a colour scale spanning `range`.
    public func color(for value: Double, in range: ClosedRange<Double>) -> RGB {
        let span = range.upperBound - range.lowerBound
        return color(at: span > 0 ? (value - range.lowerBound) / span : 0.5)
    }
}
