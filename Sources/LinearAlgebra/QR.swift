import CLAPACKE

/// An orthonormal basis of the column space of `a` through Householder QR
/// (`LAPACKE_sgeqrf`, then `LAPACKE_sorgqr` to form Q explicitly).
///
/// Randomized PCA (Halko, Martinsson & Tropp 2011) calls this to re-orthonormalise its
/// `[n, l]` sketch between power iterations, which keeps small singular directions from being
/// swamped by round-off.
///
/// - Parameter a: `[m, n]` with `m >= n`, row-major.
/// - Returns: Q `[m, n]` with orthonormal columns and `span(Q) = span(a)` (for full-rank `a`).
/// - Throws: `.shapeMismatch` when `m < n`, `.nonFinite` on NaN/Inf.
/// - Complexity: O(m n²).
public func orthonormalBasis(_ a: Matrix) throws -> Matrix {
    let (m, n) = (a.rows, a.cols)
    guard m >= n else {
        throw LinearAlgebraError.shapeMismatch(operation: "orthonormalBasis", expected: "rows >= cols", got: "\(m)x\(n)")
    }
    guard a.isFinite else { throw LinearAlgebraError.nonFinite(operation: "orthonormalBasis") }
    var q = a
    guard n > 0 else { return q }
    var tau = [Float](repeating: 0, count: n)
    let info = q.values.withUnsafeMutableBufferPointer { pa in
        tau.withUnsafeMutableBufferPointer { pt -> LAPACKInt in
            // Row-major, lda = n. geqrf leaves R above the diagonal and the Householder vectors
            // below it; orgqr turns those into the first n columns of Q.
            let f = LAPACKE_sgeqrf(LAPACK_ROW_MAJOR, numericCast(m), numericCast(n), pa.baseAddress, numericCast(n), pt.baseAddress)
            guard f == 0 else { return f }
            return LAPACKE_sorgqr(LAPACK_ROW_MAJOR, numericCast(m), numericCast(n), numericCast(n), pa.baseAddress,
                                  numericCast(n), pt.baseAddress)
        }
    }
    try check(info, "sgeqrf/sorgqr")
    return q
}

/// Reference for `orthonormalBasis`: modified Gram–Schmidt in Double, column by column.
public func gramSchmidtBasis(_ a: Matrix) -> Matrix {
    var q = a.double
    for j in 0..<q.cols {
        for p in 0..<j {
            var dot = 0.0
            for i in 0..<q.rows { dot += q[i, p] * q[i, j] }
            for i in 0..<q.rows { q[i, j] -= dot * q[i, p] }
        }
        var norm = 0.0
        for i in 0..<q.rows { norm += q[i, j] * q[i, j] }
        norm = norm.squareRoot()
        for i in 0..<q.rows { q[i, j] /= max(norm, 1e-300) }
    }
    return q.float
}
