import Foundation
import Images
import Plotting

/// A heatmap of one image's `[patches]` values over the image, as the gallery and the clean-vs-
/// intervened comparison draw them. When the largest value is more than 8× the median (a few
/// sinks), the colours follow log10 of the values, so the other patches keep their contrast
/// instead of all turning black; the colour bar and caption say so.
struct PatchHeatmap {
    var values: [Float]
    var image: RGBImage
    /// Rows and columns of the patch grid.
    var grid: (rows: Int, columns: Int)
    var marked: [Int]
    var title: String
    var bar: String
    var map: ColorMap
    /// Values the colour scale spans (e.g. the clean and intervened maps of one image, so both use
    /// one scale); nil: `values` alone, the scale fitted to them.
    var scaleValues: [Float]? = nil

    func add(to figures: FigureSet, size: (Int, Int), name: String, caption: String) throws -> HTML {
        let reference = (scaleValues ?? values).filter(\.isFinite).sorted()
        let median = reference.isEmpty ? 0 : reference[reference.count / 2]
        let useLog = (reference.first ?? 0) > 0 && median > 0 && (reference.last ?? 0) > 8 * median
        func shown(_ v: [Float]) -> [Float] { useLog ? v.map { $0 > 0 ? log10($0) : .nan } : v }
        var range: ClosedRange<Double>?
        if scaleValues != nil, let lo = shown(reference).filter(\.isFinite).min(), let hi = shown(reference).filter(\.isFinite).max() {
            range = Double(lo)...Double(max(hi, lo + 1e-6))
        }
        let chart = try HeatmapOverlay(
            image: image, grid: GridValues(rows: grid.rows, columns: grid.columns, values: shown(values)), colorMap: map, valueRange: range,
            alpha: 0.7, marked: marked, markColor: ReportContext.sinkOutline, title: title, colorBarLabel: useLog ? "log10 " + bar : bar,
            style: figures.style(size.0, size.1))
        return try figures.add(chart, name: name, alt: title,
                               caption: caption + (useLog ? " Colours follow log10 of the values (the largest is over 8× the median)." : ""),
                               data: "gallery", display: size.0)
    }
}
