/// A dense row-major Float32 matrix: element (r, c) lives at `values[r * cols + c]`.
///
/// This is the layout BLAS calls with `CblasRowMajor` and leading dimension `cols`,
/// and the layout of a `[n, D]` activation slice read from a store, so no copy is needed
/// to go from a store to a product.
///
///     var x = Matrix(zeros: 2, 3)      // [2, 3]
///     x[1, 2] = 5
///     let g = matmul(x, x, transposeB: true)   // [2, 2] = x xᵀ
public struct Matrix: Sendable, Equatable, Codable {
    public var rows: Int
    public var cols: Int
    /// `[rows * cols]`, row-major.
    public var values: [Float]

    /// Wraps `values` (`[rows * cols]`, row-major).
    ///
    /// The count must equal `rows * cols`; this is a programming contract, not a check of user
    /// data (use `init(rows:cols:checking:)` for data read from files).
    public init(rows: Int, cols: Int, values: [Float]) {
        precondition(rows >= 0 && cols >= 0 && values.count == rows * cols,
                     "Matrix \(rows)x\(cols) needs \(rows * cols) values, got \(values.count)")
        self.rows = rows
        self.cols = cols
        self.values = values
    }

    /// Like `init(rows:cols:values:)` but throws instead of trapping when the count is wrong.
    public init(rows: Int, cols: Int, checking values: [Float]) throws {
        guard rows >= 0, cols >= 0, values.count == rows * cols else {
            throw LinearAlgebraError.shapeMismatch(
                operation: "Matrix", expected: "\(rows)x\(cols) = \(rows * cols) values",
                got: "\(values.count) values")
        }
        self.init(rows: rows, cols: cols, values: values)
    }

    /// A `[rows, cols]` matrix of zeros.
    public init(zeros rows: Int, _ cols: Int) {
        self.init(rows: rows, cols: cols, values: [Float](repeating: 0, count: rows * cols))
    }

    /// The `[n, n]` identity.
    public init(identity n: Int) {
        self.init(zeros: n, n)
        for i in 0..<n { values[i * n + i] = 1 }
    }

    public subscript(r: Int, c: Int) -> Float {
        get { values[r * cols + c] }
        set { values[r * cols + c] = newValue }
    }

    /// Row `r` as a slice of `cols` values (indices keep their offsets in `values`).
    public func row(_ r: Int) -> ArraySlice<Float> {
        values[(r * cols)..<((r + 1) * cols)]
    }

    /// Column `c` copied out (`rows` values).
    public func column(_ c: Int) -> [Float] {
        (0..<rows).map { values[$0 * cols + c] }
    }

    /// The rows at `indices`, in that order: `[indices.count, cols]`.
    public func rows(_ indices: [Int]) -> Matrix {
        var out = [Float](repeating: 0, count: indices.count * cols)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for (i, r) in indices.enumerated() {
                    let s = src.baseAddress! + r * cols
                    (dst.baseAddress! + i * cols).update(from: s, count: cols)
                }
            }
        }
        return Matrix(rows: indices.count, cols: cols, values: out)
    }

    /// `[cols, rows]`.
    public var transposed: Matrix {
        var out = Matrix(zeros: cols, rows)
        for r in 0..<rows { for c in 0..<cols { out.values[c * rows + r] = values[r * cols + c] } }
        return out
    }

    /// The same matrix in Double.
    public var double: MatrixD {
        MatrixD(rows: rows, cols: cols, values: values.map { Double($0) })
    }

    /// True when no value is NaN or infinite.
    public var isFinite: Bool { values.allSatisfy { $0.isFinite } }
}
