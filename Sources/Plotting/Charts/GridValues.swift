/// A `[rows, columns]` grid of values, row-major, as heatmaps take it (a patch grid of token
/// norms, a layer x layer similarity matrix).
public struct GridValues: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// `[rows * columns]`, row 0 first; non-finite values are drawn as missing.
    public let values: [Double]

    /// - Throws: `PlottingError` unless rows, columns >= 1 and `values.count == rows * columns`.
    public init<V: BinaryFloatingPoint>(rows: Int, columns: Int, values: [V]) throws {
        guard rows >= 1, columns >= 1, rows <= 4096, columns <= 4096 else {
            throw PlottingError.invalidParameter(name: "grid", value: "\(rows)x\(columns)", expected: "1...4096 per side")
        }
        try requireCount("grid values of a \(rows)x\(columns) grid", values.count, rows * columns)
        self.rows = rows
        self.columns = columns
        self.values = values.map { Double($0) }
    }

    public subscript(row: Int, column: Int) -> Double { values[row * columns + column] }

    /// The colour scale's range: `explicit`, else the finite data's extent; symmetric around 0
    /// for a diverging map so white (or grey) means zero.
    func colorRange(_ explicit: ClosedRange<Double>?, diverging: Bool) throws -> ClosedRange<Double> {
        if let explicit {
            guard explicit.lowerBound.isFinite, explicit.upperBound.isFinite else {
                throw PlottingError.invalidParameter(name: "value range", value: "\(explicit)", expected: "finite bounds")
            }
            return explicit
        }
        guard let e = finiteExtent(values) else { throw PlottingError.emptyData(what: "heatmap values (no finite value)") }
        if diverging {
            let m = max(abs(e.lower), abs(e.upper), 1e-12)
            return -m...m
        }
        return e.lower...(e.upper > e.lower ? e.upper : e.lower + 1)
    }
}

/// Integer pixel edges that split `length` pixels from `origin` into `n` cells: cell k spans
/// edges[k]..<edges[k+1]. Snapping to whole pixels keeps every cell one flat colour with no
/// blended seams.
func cellEdges(origin: Double, length: Double, count n: Int) -> [Int] {
    (0...n).map { Int((origin + length * Double($0) / Double(n)).rounded()) }
}
