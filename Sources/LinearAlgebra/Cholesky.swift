import CLAPACKE

/// Solves `a · x = b` for symmetric positive definite `a` through `LAPACKE_dposv`
/// (Cholesky factorisation `a = Uᵀ U`, then two triangular solves).
///
/// - Parameters:
///   - a: `[n, n]` symmetric positive definite; only the upper triangle is read.
///   - b: `[n, m]` right-hand sides (m outputs solved at once).
/// - Returns: x `[n, m]`.
/// - Throws: `.notPositiveDefinite` when LAPACK reports `info > 0` (the leading minor of that
///   order is not positive definite), `.shapeMismatch`, `.nonFinite`.
/// - Complexity: O(n³/3 + n² m).
public func choleskySolve(_ a: MatrixD, _ b: MatrixD) throws -> MatrixD {
    try checkSquareFinite(a.rows, a.cols, a.isFinite && b.isFinite, "choleskySolve")
    guard b.rows == a.rows else {
        throw LinearAlgebraError.shapeMismatch(
            operation: "choleskySolve", expected: "b with \(a.rows) rows", got: "\(b.rows)x\(b.cols)")
    }
    let n = a.rows
    var factor = a
    var x = b
    guard n > 0, b.cols > 0 else { return x }
    let info = factor.values.withUnsafeMutableBufferPointer { pa in
        x.values.withUnsafeMutableBufferPointer { pb in
            // Row-major, uplo 'U', lda = n, ldb = m (b is [n, m]); b is overwritten by x.
            LAPACKE_dposv(LAPACK_ROW_MAJOR, uChar, numericCast(n), numericCast(b.cols), pa.baseAddress,
                          numericCast(n), pb.baseAddress, numericCast(b.cols))
        }
    }
    if info < 0 { throw illegalArgument("dposv", Int32(info)) }
    if info > 0 { throw LinearAlgebraError.notPositiveDefinite(routine: "dposv", order: Int(info)) }
    return x
}
