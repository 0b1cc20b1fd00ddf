/// A dense row-major Double matrix, the twin of `Matrix` for LAPACK work where Float32
/// round-off matters (covariances, eigendecompositions, normal equations).
/// Element (r, c) lives at `values[r * cols + c]`.
public struct MatrixD: Sendable, Equatable, Codable {
    public var rows: Int
    public var cols: Int
    /// `[rows * cols]`, row-major.
    public var values: [Double]

    /// Wraps `values` (`[rows * cols]`, row-major); the count must equal `rows * cols`
    /// (a programming contract; use `init(rows:cols:checking:)` for data from files).
    public init(rows: Int, cols: Int, values: [Double]) {
        precondition(rows >= 0 && cols >= 0 && values.count == rows * cols,
                     "MatrixD \(rows)x\(cols) needs \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Like `init(rows:cols:values:)` but throws instead of trapping when the count is wrong.
    public init(rows: Int, cols: Int, checking values: [Double]) throws {
        guard rows >= 0, cols >= 0, values.count == rows * cols else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "MatrixD", expected: "\(rows)x\(cols) = \(rows * cols) values",
                got: "\(values.count) values")
        }
        self.init(rows: rows, cols: cols, values: values)
    }

    /// A `[rows, cols]` matrix of zeros.
    public init(zeros rows: Int, _ cols: Int) {
        self.init(rows: rows, cols: cols, values: [Double](repeating: 0, count: rows * cols))
    }

    /// The `[n, n]` identity.
    public init(identity n: Int) {
        self.init(zeros: n, n)
        for i in 0..<n { values[i * n + i] = 1 }
    }

    public subscript(r: Int, c: Int) -> Double {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    /// Row `r` as a slice of `cols` values (indices keep their offsets in `values`).
    public func row(_ r: Int) -> ArraySlice<Double> {
        values[(r * cols)..<((r + 1) * cols)]
    }

    /// Column `c` copied out (`rows` values).
    public func column(_ c: Int) -> [Double] {
        (0..<rows).map { values[$0 * cols + c] }
    }

    /// `[cols, rows]`.
    public var transposed: MatrixD {
        var out = MatrixD(zeros: cols, rows)
        for r in 0..<rows { for c in 0..<cols { out.values[c * rows + r] = values[r * cols + c] } }
        return out
    }

    /// The same matrix rounded to Float.
    public var float: Matrix {
        Matrix(rows: rows, cols: cols, values: values.map { Float($0) })
    }

    /// True when no value is NaN or infinite.
    public var isFinite: Bool { values.allSatisfy { $0.isFinite } }
}
