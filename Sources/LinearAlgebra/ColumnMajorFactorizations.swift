import CLAPACKE

// Tall-skinny factorisations in place on column-major buffers, for hot loops (randomized PCA).
//
// Layout: the buffer holds an m × n matrix column by column (lda = m). That is the same memory
// as the row-major `[n, m]` transpose, which is what `sgemm` writes when asked for Aᵀ — so a
// caller can keep its sketch "transposed" and hand it to LAPACK without the copy-and-transpose
// LAPACKE performs for row-major input. The `_work` entry points skip LAPACKE's NaN scan
// (callers check finiteness of their data once, up front).

/// Replaces the m × n (m ≥ n) column-major `a` by an orthonormal basis Q of its columns
/// (Householder QR: `sgeqrf` then `sorgqr`).
public func orthonormalizeColumns(rows m: Int, cols n: Int, _ a: UnsafeMutablePointer<Float>) throws {
    guard m >= n else {
        throw LinearAlgebraError.shapeMismatch(operation: "orthonormalizeColumns", expected: "rows >= cols", got: "\(m)x\(n)")
    }
    guard n > 0 else { return }
    var tau = [Float](repeating: 0, count: n)
    var query: Float = 0
    var info = LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, numericCast(m), numericCast(n), a, numericCast(m), &tau, &query, -1)
    try check(info, "sgeqrf")
    var work = [Float](repeating: 0, count: max(Int(query), n))
    info = LAPACKE_sgeqrf_work(LAPACK_COL_MAJOR, numericCast(m), numericCast(n), a, numericCast(m), &tau, &work, numericCast(work.count))
    try check(info, "sgeqrf")
    info = LAPACKE_sorgqr_work(LAPACK_COL_MAJOR, numericCast(m), numericCast(n), numericCast(n), a, numericCast(m), &tau, &query, -1)
    try check(info, "sorgqr")
    if Int(query) > work.count { work = [Float](repeating: 0, count: Int(query)) }
    info = LAPACKE_sorgqr_work(LAPACK_COL_MAJOR, numericCast(m), numericCast(n), numericCast(n), a, numericCast(m), &tau, &work, numericCast(work.count))
    try check(info, "sorgqr")
}

/// Replaces the m × n (m ≥ n) column-major `a` = P L U by P L (`sgetrf`), a well-conditioned
/// basis of the same column space that is cheaper than QR. Randomized SVD uses it between power
/// iterations, as scikit-learn does (`scipy.linalg.lu(..., permute_l=True)`).
/// - Throws: `.lapack` when U is singular (`info > 0`): the columns were linearly dependent.
public func luNormalizeColumns(rows m: Int, cols n: Int, _ a: UnsafeMutablePointer<Float>) throws {
    guard m >= n else {
        throw LinearAlgebraError.shapeMismatch(operation: "luNormalizeColumns", expected: "rows >= cols", got: "\(m)x\(n)")
    }
    guard n > 0 else { return }
    var pivots = [LAPACKInt](repeating: 0, count: n)
    let info = LAPACKE_sgetrf_work(LAPACK_COL_MAJOR, numericCast(m), numericCast(n), a, numericCast(m), &pivots)
    if info < 0 { throw illegalArgument("sgetrf", Int32(info)) }
    if info > 0 {
        throw LinearAlgebraError.lapack(routine: "sgetrf", info: Int32(info), meaning: "U(\(info),\(info)) is exactly zero: the columns are linearly dependent")
    }
    // Keep the unit lower-trapezoidal L (zero the U part above the diagonal, ones on it).
    for j in 0..<n {
        let column = a + j * m
        for i in 0..<j { column[i] = 0 }
        column[j] = 1
    }
    // Undo the row interchanges (applied in order 0..<n by getrf) in reverse: rows of L → P L.
    for i in stride(from: n - 1, through: 0, by: -1) {
        let p = Int(pivots[i]) - 1
        guard p != i else { continue }
        for j in 0..<n { swap(&a[j * m + i], &a[j * m + p]) }
    }
}
