import Images
import Foundation
import Plotting
import SinkAnalysis

/// The charts of the pathway section, drawn with the Plotting kit (libgd):
/// attention share by LLM layer per token group, the sink/ordinary ratios and Spearman's ρ by layer,
/// mean share by ViT-norm bucket, and relevance maps (share on the patch grid, ViT sinks outlined)
/// beside the ViT norms.
public enum PathwayFigures {
    /// One figure: its file name inside the output directory, the chart and a caption.
    public struct Figure: Sendable {
        public var file: String
        public var chart: any Chart
        public var caption: String
    }

    /// Every figure the report's numbers allow (none for a store without LLM attention).
    public static func figures(_ report: PathwayReport) throws -> [Figure] {
        var out: [Figure] = []
        let layers = report.attention.map { Double($0.layer) }
        if !report.attention.isEmpty {
            let groups: [(String, KeyPath<LayerAttentionShares, GroupShare>)] = [
                ("ordinary visual tokens", \.ordinary), ("ViT sinks", \.vitSinks), ("LLM-emerged sinks", \.emergedSinks),
            ]
            let series = groups.enumerated().compactMap { k, g -> LineChart.Series? in
                let y = report.attention.compactMap { $0[keyPath: g.1].meanShare.map { 100 * $0 } }
                return y.count == layers.count ? LineChart.Series(name: g.0, x: layers, y: y, color: Palette.color(k)) : nil
            }
            out.append(Figure(
                file: "pathway-share-by-layer.png",
                chart: try LineChart(series: series, title: "LLM attention per visual token",
                                     xAxis: Axis("LLM layer", integerTicks: true), yAxis: Axis("share of the layer's attention (%)")),
                caption: "Mean share of each LLM layer's attention received by one visual token, by group."))
            var ratios: [LineChart.Series] = []
            let vit = report.attention.compactMap(\.vitSinkRatio), emerged = report.attention.compactMap(\.emergedSinkRatio)
            if vit.count == layers.count { ratios.append(.init(name: "ViT sink ÷ ordinary", x: layers, y: vit, color: Palette.color(1))) }
            if emerged.count == layers.count { ratios.append(.init(name: "emerged sink ÷ ordinary", x: layers, y: emerged, color: Palette.color(2))) }
            if !ratios.isEmpty {
                out.append(Figure(
                    file: "pathway-ratio-by-layer.png",
                    chart: try LineChart(series: ratios, title: "How many times an ordinary token's attention",
                                         xAxis: Axis("LLM layer", integerTicks: true), yAxis: Axis("ratio of mean shares")),
                    caption: "Mean share of a sink ÷ mean share of an ordinary visual token, per LLM layer."))
            }
            let rho = report.attention.compactMap(\.spearman)
            if rho.count == layers.count {
                out.append(Figure(
                    file: "pathway-spearman-by-layer.png",
                    chart: try LineChart(series: [.init(name: "Spearman ρ", x: layers, y: rho, color: Palette.color(4))],
                                         title: "ViT norm vs LLM attention", xAxis: Axis("LLM layer", integerTicks: true),
                                         yAxis: Axis("Spearman ρ", range: -1...1), legend: .hidden),
                    caption: "Rank correlation between a visual token's ViT norm and its share of the layer's attention."))
            }
        }
        if let b = report.normBuckets {
            let labels = b.buckets.map { "\(short($0.lowerNorm))–\(short($0.upperNorm))" }
            out.append(Figure(
                file: "pathway-share-by-norm.png",
                chart: try BarChart(categories: labels, series: [.init(name: "mean share", values: b.meanShareOverLayers.map { 100 * $0 })],
                                    title: "LLM attention by ViT-norm quantile", xLabel: "ViT norm (bucket range)",
                                    yAxis: Axis("share per token (%), mean over layers"), legend: .hidden),
                caption: "Visual tokens cut into \(b.buckets.count) equal-count buckets by ViT norm; mean share per token over the LLM layers."))
        }
        for (k, map) in report.relevance.enumerated() {
            let rows = map.grid[0], cols = map.grid[1]
            let cell = max(4, 256 / max(rows, cols))
            let blank = RGBImage(width: cols * cell, height: rows * cell, fill: RGB(200, 200, 200))
            out.append(Figure(
                file: "pathway-relevance-\(k).png",
                chart: try HeatmapOverlay(image: blank, grid: GridValues(rows: rows, columns: cols, values: map.share.map { 100 * $0 }),
                                          alpha: 1, marked: map.vitSinks, title: "\(map.imageID): LLM attention",
                                          colorBarLabel: "share (%)", style: ChartStyle(width: 420, height: 360)),
                caption: "Image \(map.imageID): mean share of the LLM's attention on the patch grid; ViT sinks outlined."))
            out.append(Figure(
                file: "pathway-vitnorm-\(k).png",
                chart: try HeatmapOverlay(image: blank, grid: GridValues(rows: rows, columns: cols, values: map.vitNorm), colorMap: .viridis,
                                          alpha: 1, marked: map.vitSinks, title: "\(map.imageID): ViT norm",
                                          colorBarLabel: "norm", style: ChartStyle(width: 420, height: 360)),
                caption: "The same image's ViT norms at layer \(report.vitLayer)."))
        }
        return out
    }

    static func short(_ x: Double) -> String { abs(x) >= 100 ? String(format: "%.0f", x) : String(format: "%.3g", x) }
}
