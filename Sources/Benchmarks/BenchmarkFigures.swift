import Plotting
import Support
import Images

/// The figure set of a 13-layer report, built from `BenchmarkData`: 13 norm histograms,
/// 13 heatmap overlays, one line chart, one PCA scatter, one CKA matrix, one bar chart.
/// `scripts/bench_plots.py` draws the same 30 figures with matplotlib.
extension BenchmarkData {
    /// Every figure with the file name it is written under.
    /// - Parameter compression: zlib level of every PNG (matplotlib's Pillow uses 6).
    public func figures(compression: Int = ChartStyle().compression) throws -> [(name: String, chart: any Chart)] {
        let L = BenchmarkData.layers, side = BenchmarkData.gridSide
        func style(_ w: Int = 800, _ h: Int = 500) -> ChartStyle {
            var s = ChartStyle(width: w, height: h)
            s.compression = compression
            return s
        }
        var out: [(String, any Chart)] = []
        for l in 0..<L {
            let sinks = norms[l].reduce(0) { $0 + ($1 > threshold ? 1 : 0) }
            out.append(("hist_layer\(l).png", try Histogram(
                values: norms[l], bins: 60, logCounts: true,
                threshold: .init(value: Double(threshold), label: "τ = \(Int(threshold)) (\(sinks) tokens)"),
                title: "Token norms, layer \(l)", xLabel: "hidden-state L2 norm", yLabel: "tokens", style: style())))
        }
        for l in 0..<L {
            let grid = try GridValues(rows: side, columns: side, values: grids[l])
            let marked = grids[l].indices.filter { grids[l][$0] > threshold }
            let image = try RGBImage(width: BenchmarkData.imageSide, height: BenchmarkData.imageSide, pixels: images[l])
            out.append(("overlay_layer\(l).png", try HeatmapOverlay(
                image: image, grid: grid, marked: marked, title: "Norms over image, layer \(l)", colorBarLabel: "token norm",
                style: style(520, 440))))
        }
        let layers = (0..<L).map(Double.init)
        let series = curveNames.indices.map { s in
            LineChart.Series(name: curveNames[s], x: layers, y: curveMean[s].map(Double.init),
                             lower: curveLower[s].map(Double.init), upper: curveUpper[s].map(Double.init),
                             dashed: curveNames[s] == "control")
        }
        out.append(("probe_curves.png", try LineChart(
            series: series, title: "Class probe accuracy by layer",
            xAxis: Axis("layer", integerTicks: true), yAxis: Axis("accuracy (95% CI)"), style: style())))
        let xs = stride(from: 0, to: pca.count, by: 2).map { pca[$0] }, ys = stride(from: 1, to: pca.count, by: 2).map { pca[$0] }
        out.append(("pca_scatter.png", try ScatterChart(
            x: xs, y: ys, categories: pcaCategory.map(Int.init), names: pcaNames,
            title: "PCA of layer-9 tokens", xAxis: Axis("PC 1"), yAxis: Axis("PC 2"), style: style())))
        let names = (0..<L).map { "\($0)" }
        out.append(("cka.png", try MatrixHeatmap(
            grid: GridValues(rows: L, columns: L, values: cka), rowLabels: names, columnLabels: names,
            title: "Linear CKA between layers", xLabel: "layer", yLabel: "layer", colorBarLabel: "CKA",
            valueRange: 0...1, style: style(640, 560))))
        out.append(("probe_bars.png", try BarChart(
            categories: barCategories,
            series: [.init(name: "probe", values: barValues[0].map(Double.init), errors: barErrors[0].map(Double.init)),
                     .init(name: "control task", values: barValues[1].map(Double.init), errors: barErrors[1].map(Double.init))],
            title: "Probe accuracy at layer 12", xLabel: "token group", yAxis: Axis("accuracy", range: 0...1),
            style: style())))
        return out
    }
}
