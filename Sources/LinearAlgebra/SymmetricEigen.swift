import CLAPACKE

/// Eigendecomposition of a symmetric matrix through `LAPACKE_dsyevd` (divide and conquer).
///
/// - Parameter a: `[n, n]` symmetric; only the upper triangle is read.
/// - Returns: `values` `[n]` in ascending order and `vectors` `[n, n]` whose column `i`
///   is the unit eigenvector of `values[i]`, so `a = vectors · diag(values) · vectorsᵀ`.
/// - Throws: `LinearAlgebraError.shapeMismatch` when `a` is not square, `.nonFinite` on NaN/Inf,
///   `.didNotConverge` when LAPACK reports `info > 0`.
/// - Complexity: O(n³).
public func symmetricEigen(_ a: MatrixD) throws -> (values: [Double], vectors: MatrixD) {
    try checkSquareFinite(a.rows, a.cols, a.isFinite, "symmetricEigen")
    let n = a.rows
    var vectors = a
    var values = [Double](repeating: 0, count: n)
    guard n > 0 else { return (values, vectors) }
    let info = vectors.values.withUnsafeMutableBufferPointer { pa in
        values.withUnsafeMutableBufferPointer { pw in
            // Row-major, jobz 'V' (vectors overwrite a), uplo 'U'.
            LAPACKE_dsyevd(LAPACK_ROW_MAJOR, vChar, uChar, numericCast(n), pa.baseAddress, numericCast(n), pw.baseAddress)
        }
    }
    try check(info, "dsyevd")
    return (values, vectors)
}

/// Float twin of `symmetricEigen` through `LAPACKE_ssyevd`; same layout and ordering.
public func symmetricEigen(_ a: Matrix) throws -> (values: [Float], vectors: Matrix) {
    try checkSquareFinite(a.rows, a.cols, a.isFinite, "symmetricEigen")
    let n = a.rows
    var vectors = a
    var values = [Float](repeating: 0, count: n)
    guard n > 0 else { return (values, vectors) }
    let info = vectors.values.withUnsafeMutableBufferPointer { pa in
        values.withUnsafeMutableBufferPointer { pw in
            LAPACKE_ssyevd(LAPACK_ROW_MAJOR, vChar, uChar, numericCast(n), pa.baseAddress, numericCast(n), pw.baseAddress)
        }
    }
    try check(info, "ssyevd")
    return (values, vectors)
}

/// The `k` largest eigenpairs of a symmetric matrix through `LAPACKE_dsyevr` (range 'I'),
/// which skips computing the other n − k vectors — the PCA case (k ≪ n).
///
/// - Parameters:
///   - a: `[n, n]` symmetric; only the upper triangle is read.
///   - k: how many of the largest eigenvalues to compute, `1...n`.
/// - Returns: `values` `[k]` ascending and `vectors` `[n, k]` (column i ↔ `values[i]`).
public func symmetricEigen(_ a: MatrixD, largest k: Int) throws -> (values: [Double], vectors: MatrixD) {
    try checkSquareFinite(a.rows, a.cols, a.isFinite, "symmetricEigen")
    let n = a.rows
    guard k >= 1, k <= n else {
        throw LinearAlgebraError.shapeMismatch(
            operation: "symmetricEigen(largest:)", expected: "k in 1...\(n)", got: "k = \(k)")
    }
    var work = a
    var values = [Double](repeating: 0, count: n)
    var vectors = MatrixD(zeros: n, k)
    var found: LAPACKInt = 0
    var support = [LAPACKInt](repeating: 0, count: 2 * n)
    let info = work.values.withUnsafeMutableBufferPointer { pa in
        values.withUnsafeMutableBufferPointer { pw in
            vectors.values.withUnsafeMutableBufferPointer { pz in
                // Row-major, jobz 'V', range 'I' (indices il...iu, 1-based ascending), uplo 'U';
                // abstol 0 lets LAPACK pick its default accuracy. z is [n, k] with ldz = k.
                LAPACKE_dsyevr(
                    LAPACK_ROW_MAJOR, vChar, iChar, uChar, numericCast(n), pa.baseAddress, numericCast(n),
                    0, 0, numericCast(n - k + 1), numericCast(n), 0, &found, pw.baseAddress,
                    pz.baseAddress, numericCast(k), &support)
            }
        }
    }
    try check(info, "dsyevr")
    guard Int(found) == k else {
        throw LinearAlgebraError.lapack(routine: "dsyevr", info: 0, meaning: "returned \(found) eigenpairs instead of \(k)")
    }
    return (Array(values[0..<k]), vectors)
}

// MARK: - Shared helpers

let vChar = CChar(UInt8(ascii: "V"))
let uChar = CChar(UInt8(ascii: "U"))
let iChar = CChar(UInt8(ascii: "I"))
let sChar = CChar(UInt8(ascii: "S"))

func checkSquareFinite(_ rows: Int, _ cols: Int, _ finite: Bool, _ op: String) throws {
    guard rows == cols else {
        throw LinearAlgebraError.shapeMismatch(operation: op, expected: "a square matrix", got: "\(rows)x\(cols)")
    }
    guard finite else { throw LinearAlgebraError.nonFinite(operation: op) }
}

/// Maps `info` of an iterative routine: < 0 illegal argument, > 0 no convergence.
func check(_ info: LAPACKInt, _ routine: String) throws {
    if info < 0 { throw illegalArgument(routine, Int32(info)) }
    if info > 0 { throw LinearAlgebraError.didNotConverge(routine: routine, info: Int32(info)) }
}

/// LAPACKE's `lapack_int` is a macro (so Swift cannot see it): `int32_t` unless LAPACKE was
/// built with `LAPACK_ILP64`, which Debian/Ubuntu's liblapacke is not.
typealias LAPACKInt = Int32
