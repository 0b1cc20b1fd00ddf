import Images

/// Shaded x ranges behind a line chart's data, with one legend entry: for example the layers a
/// windowed-attention block wrote, so a reader sees which points of a per-layer curve come from
/// blocks that attend only within windows.
///
///     var chart = try LineChart(series: [...], xAxis: Axis("layer", integerTicks: true))
///     chart.spans = LineChart.Spans(ranges: LineChart.Spans.runs(of: [1, 2, 3, 5]), label: "windowed blocks")
extension LineChart {
    public struct Spans: Sendable, Equatable {
        /// x ranges in data units (drawn clipped to the plot area).
        public var ranges: [ClosedRange<Double>]
        /// The legend text (nil: no legend entry).
        public var label: String?
        public var color: RGB
        /// Opacity of the shading over the background.
        public var alpha: Double

        public init(ranges: [ClosedRange<Double>], label: String? = nil, color: RGB = RGB(hex: 0x8A7A99), alpha: Double = 0.16) {
            self.ranges = ranges
            self.label = label
            self.color = color
            self.alpha = alpha
        }

        /// One range per run of consecutive integers, widened by half a step on each side so a run
        /// of one value still shows as a band one step wide: [1, 2, 3, 5] → [0.5...3.5, 4.5...5.5].
        public static func runs(of values: [Int]) -> [ClosedRange<Double>] {
            var out: [ClosedRange<Double>] = []
            for v in Set(values).sorted() {
                if let last = out.last, last.upperBound == Double(v) - 0.5 {
                    out[out.count - 1] = last.lowerBound...(Double(v) + 0.5)
                } else {
                    out.append((Double(v) - 0.5)...(Double(v) + 0.5))
                }
            }
            return out
        }

        /// The colour a shaded pixel shows over white, used for the legend swatch.
        var shownColor: RGB { RGB.white.mixed(with: color, alpha) }
    }

    /// Shades every span over the full height of the plot area (call inside the frame's clip).
    func drawSpans(on canvas: Canvas, frame: PlotFrame) {
        guard let spans else { return }
        for r in spans.ranges {
            let a = frame.xPixel(r.lowerBound), b = frame.xPixel(r.upperBound)
            guard a.isFinite, b.isFinite else { continue }
            canvas.fill(Rect(x: min(a, b), y: frame.plot.minY, width: abs(b - a), height: frame.plot.height),
                        spans.color, alpha: spans.alpha)
        }
    }

    /// The legend entry of the spans, when they have a label and at least one range.
    var spanLegendEntry: LegendEntry? {
        guard let spans, let label = spans.label, !spans.ranges.isEmpty else { return nil }
        return LegendEntry(label: label, color: spans.shownColor, swatch: .patch)
    }
}
