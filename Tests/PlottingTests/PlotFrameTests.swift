import XCTest

@testable import Plotting

/// Layout: tick labels never overlap each other or leave the canvas, whatever the size.
final class PlotFrameTests: XCTestCase {
    func boxes(_ f: PlotFrame) throws -> [Rect] {
        try f.tickLabelPlacements().map {
            try Canvas.textBox($0.text, at: $0.at, font: f.font, style: f.style.tick, anchor: $0.anchor, angle: $0.angle)
        }
    }

    func assertTidy(_ f: PlotFrame, _ what: String) throws {
        let placements = f.tickLabelPlacements()
        let b = try boxes(f)
        let canvas = Rect(x: 0, y: 0, width: Double(f.style.pixelWidth), height: Double(f.style.pixelHeight))
        let lineHeight = f.style.tick.size * (Font.capHeight + Font.descent)
        for (i, r) in b.enumerated() {
            XCTAssertEqual(r.intersection(canvas), r, "\(what): label \(i) leaves the canvas")
            XCTAssertFalse(r.intersects(f.plot.insetBy(1)), "\(what): label \(i) overlaps the plot")
            for j in (i + 1)..<b.count {
                let (p, q) = (placements[i], placements[j])
                if p.angle != 0 && q.angle == p.angle {
                    // Parallel tilted labels: their baselines must be a line height apart.
                    let th = p.angle * .pi / 180
                    let gap = abs((q.at.x - p.at.x) * sin(th) + (q.at.y - p.at.y) * cos(th))
                    XCTAssertGreaterThanOrEqual(gap, lineHeight, "\(what): tilted labels \(i) and \(j) overlap")
                } else {
                    XCTAssertFalse(r.intersects(b[j]), "\(what): labels \(i) and \(j) overlap")
                }
            }
        }
    }

    func testNumericTickLabelsFitAtEverySize() throws {
        let font = try Font.dejaVuSans()
        for width in stride(from: 300, through: 1200, by: 150) {
            for (lo, hi) in [(0.0, 1.0), (-12_345.0, 98_765.0), (0.000_12, 0.000_98), (0, 1e7)] {
                let style = ChartStyle(width: width, height: width * 5 / 8)
                let f = try PlotFrame.layout(style: style, font: font, title: "t", x: AxisPlan(scale: Scale(linear: lo, hi), label: "x"),
                                             y: AxisPlan(scale: Scale(linear: lo, hi), label: "y"))
                XCTAssertGreaterThanOrEqual(f.x.ticks.count, 2)
                try assertTidy(f, "\(width) px, \(lo)...\(hi)")
            }
        }
    }

    func testLongCategoryLabelsRotateAndManyAreThinned() throws {
        let font = try Font.dejaVuSans()
        let names = (0..<12).map { "a long category \($0)" }
        let f = try PlotFrame.layout(style: ChartStyle(width: 600, height: 400), font: font, title: nil,
                                     x: .categorical(names, label: nil), y: AxisPlan(scale: Scale(linear: 0, 1), label: nil))
        XCTAssertEqual(f.x.labelAngle, 45)
        try assertTidy(f, "rotated")
        let numbers = (0..<40).map(String.init)
        let g = try PlotFrame.layout(style: ChartStyle(width: 500, height: 400), font: font, title: nil,
                                     x: .categorical(numbers, label: nil), y: .categorical(numbers, label: nil))
        XCTAssertEqual(g.x.labelAngle, 0)
        XCTAssertGreaterThan(g.x.labelEvery, 1)
        XCTAssertGreaterThan(g.y.labelEvery, 1)
        try assertTidy(g, "thinned")
    }

    func testAspectKeepsCellsSquare() throws {
        let f = try PlotFrame.layout(style: ChartStyle(), font: try Font.dejaVuSans(), title: nil,
                                     x: .hidden(0, 1), y: .hidden(0, 1), aspect: 2)
        XCTAssertEqual(f.plot.width / f.plot.height, 2, accuracy: 1e-9)
    }

    func testBestLegendAvoidsTheData() throws {
        let style = ChartStyle()
        let font = try Font.dejaVuSans()
        let legend = Legend(entries: [LegendEntry(label: "one", color: .black, swatch: .patch)], placement: .best)
        let plot = Rect(x: 100, y: 50, width: 600, height: 400)
        let dataTopRight = samplePoints(Rect(x: 450, y: 50, width: 250, height: 200), step: 5)
        let placed = try XCTUnwrap(legend.frame(in: plot, avoiding: dataTopRight, style: style, font: font))
        XCTAssertEqual(placed.covered, 0)
        XCTAssertLessThan(placed.rect.midX, 450)
    }
}
