import XCTest

@testable import Plotting

/// Small helpers for the chart tests.
enum ChartTest {
    static var font: Font { get throws { try Font.dejaVuSans() } }

    /// A style without grid lines, so background pixels are exactly the background colour.
    static func plainStyle(_ w: Int = 400, _ h: Int = 300) -> ChartStyle {
        var s = ChartStyle(width: w, height: h)
        s.grid = false
        return s
    }

    /// Renders and decodes with libgd.
    static func image(_ chart: some Chart) throws -> RGBImage { try RGBImage(png: chart.render()) }

    /// Largest per-channel difference between two colours.
    static func distance(_ a: RGB, _ b: RGB) -> Int {
        max(abs(Int(a.r) - Int(b.r)), abs(Int(a.g) - Int(b.g)), abs(Int(a.b) - Int(b.b)))
    }
}

extension RGBImage {
    /// The pixel containing device point `p`.
    subscript(_ p: Point) -> RGB { self[Int(p.x), Int(p.y)] }
}
