import Foundation
@testable import Benchmarks
import Plotting
import TestSupport
import XCTest

/// Renders one of every chart (the benchmark's report figures plus edge cases: a 37x37 overlay,
/// 10k scatter points, log axes, a diverging matrix, long category names) and checks each
/// decodes at its size. Set SINKSCOPE_PLOT_GALLERY=/some/dir to keep the PNGs and look at them.
final class GalleryTests: XCTestCase {
    func testEveryChartRendersAndDecodes() throws {
        let keep = ProcessInfo.processInfo.environment["SINKSCOPE_PLOT_GALLERY"].map { URL(fileURLWithPath: $0) }
        let dir = keep ?? temporaryDirectory("plot-gallery")
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var report = try BenchmarkData.synthetic().figures()
        XCTAssertEqual(report.count, 30)
        if keep == nil {  // one figure of each kind keeps the debug-build test quick
            let kinds = ["hist_layer9.png", "overlay_layer9.png", "probe_curves.png", "pca_scatter.png", "cka.png", "probe_bars.png"]
            report = report.filter { kinds.contains($0.name) }
        }
        let figures = try report + Gallery.extras()
        for (name, chart) in figures {
            let png = try chart.render()
            try chart.write(to: dir.appendingPathComponent(name))
            let decoded = try RGBImage(png: png)
            XCTAssertEqual(decoded.width, chart.style.pixelWidth, name)
            XCTAssertEqual(decoded.height, chart.style.pixelHeight, name)
        }
    }
}

/// Charts the report figures do not cover.
enum Gallery {
    static func extras() throws -> [(name: String, chart: any Chart)] {
        // DINOv2 at 518 px has a 37x37 patch grid: the largest grid a report must keep readable.
        let side = 37, px = 518
        var pixels = [UInt8](repeating: 128, count: px * px * 3)
        for y in 0..<px {
            for x in 0..<px {
                let i = (y * px + x) * 3
                pixels[i] = UInt8(x / 3 % 256)
                pixels[i + 1] = UInt8(y / 3 % 256)
            }
        }
        var values = (0..<(side * side)).map { Float(sin(Double($0) * 0.07) * 10 + 40) }
        let sinks = [100, 500, 901, 1200]
        for k in sinks { values[k] = 140 }
        let big = try HeatmapOverlay(
            image: RGBImage(width: px, height: px, pixels: pixels),
            grid: GridValues(rows: side, columns: side, values: values), colorMap: .viridis,
            marked: sinks, title: "37x37 patch grid, received attention", colorBarLabel: "attention share")

        var xs: [Float] = [], ys: [Float] = [], cs: [Int] = []
        for i in 0..<10_000 {
            let c = i % 4, a = Double(i) * 0.618, r = Double(i % 97) / 20
            xs.append(Float(Double(c) * 3 + r * cos(a)))
            ys.append(Float(r * sin(a) - Double(c)))
            cs.append(c)
        }
        let scatter = try ScatterChart(x: xs, y: ys, categories: cs, names: ["A", "B", "C", "D"],
                                       title: "10 000 points", xAxis: Axis("x"), yAxis: Axis("y"), pointSize: 3)
        let layers = (0...24).map(Double.init)
        let logLine = try LineChart(
            series: [.init(name: "max norm", x: layers, y: layers.map { pow(10, $0 / 8) }),
                     .init(name: "median norm", x: layers, y: layers.map { 5 + $0 })],
            title: "Log y axis", xAxis: Axis("layer", integerTicks: true), yAxis: Axis("norm", log: true))
        let n = 24
        let corr = (0..<(n * n)).map { Float(cos(Double($0 % n - $0 / n) / 4)) }
        let diverging = try MatrixHeatmap(
            grid: GridValues(rows: n, columns: n, values: corr), title: "Correlation (diverging map)",
            xLabel: "dimension", yLabel: "dimension", colorBarLabel: "r", colorMap: ColorMap.rdBu.reversed())
        let longBars = try BarChart(
            categories: ["norm (τ=100)", "relative norm (k=4)", "top-k (k=4)", "attention (m=3)", "massive dims"],
            series: [.init(name: "sinks per image", values: [3.2, 4.1, 4, 1.1, 2.5], errors: [0.4, 0.5, 0, 0.2, 0.6])],
            title: "Sinks per image by method", yAxis: Axis("tokens per image"))
        let linearHist = try Histogram(values: xs, bins: 40, threshold: .init(value: 9.5, label: "right edge"),
                                       title: "Linear counts", xLabel: "x")
        let rotated = try BarChart(
            categories: (1...9).map { "probe group number \($0)" },
            series: [.init(name: "accuracy", values: (1...9).map { 0.5 + 0.05 * Double($0) }),
                     .init(name: "control", values: (1...9).map { 0.1 + 0.01 * Double($0) })],
            title: "Many long categories (tilted labels)", yAxis: Axis("accuracy"), style: ChartStyle(width: 640, height: 420))
        var retina = ChartStyle(scale: 2)
        retina.grid = true
        let doubled = try LineChart(
            series: [.init(name: "sinks", x: layers, y: layers.map { 0.3 + 0.02 * $0 }, lower: layers.map { 0.25 + 0.02 * $0 },
                           upper: layers.map { 0.35 + 0.02 * $0 }),
                     .init(name: "random-k", x: layers, y: layers.map { _ in 0.45 }, dashed: true)],
            title: "Scale 2 (1600x1000)", xAxis: Axis("layer", integerTicks: true), yAxis: Axis("accuracy"), style: retina)
        return [("extra_rotated.png", rotated), ("extra_scale2.png", doubled), ("extra_overlay37.png", big), ("extra_scatter10k.png", scatter), ("extra_logline.png", logLine),
                ("extra_diverging.png", diverging), ("extra_longbars.png", longBars),
                ("extra_linearhist.png", linearHist)]
    }
}
