import Images

/// Categorical colours for series and groups.
public enum Palette {
    /// Okabe & Ito (2008), "Color Universal Design": distinguishable under the common colour
    /// vision deficiencies. Ordered for plots on white: the yellow (#F0E442) and black come last.
    public static let okabeIto: [RGB] = [
        0x0072B2, 0xD55E00, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0xF0E442, 0x000000,
    ].map(RGB.init(hex:))

    /// matplotlib's default cycle (Tableau 10).
    public static let tab10: [RGB] = [
        0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x7F7F7F,
        0xBCBD22, 0x17BECF,
    ].map(RGB.init(hex:))

    /// Colour `index` of `palette`, cycling when there are more series than colours.
    public static func color(_ index: Int, in palette: [RGB] = okabeIto) -> RGB {
        palette.isEmpty ? .black : palette[((index % palette.count) + palette.count) % palette.count]
    }
}
