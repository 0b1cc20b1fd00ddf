import CLAPACKE

/// Thin singular value decomposition through `LAPACKE_dgesdd` (divide and conquer, jobz 'S').
///
/// - Parameter a: `[m, n]`, row-major.
/// - Returns: with r = min(m, n): `u` `[m, r]`, `s` `[r]` descending, `vt` `[r, n]`,
///   so `a = u · diag(s) · vt`.
/// - Throws: `.nonFinite` on NaN/Inf, `.didNotConverge` when DBDSDC fails (`info > 0`).
/// - Complexity: O(m n r).
public func svd(_ a: MatrixD) throws -> (u: MatrixD, s: [Double], vt: MatrixD) {
    guard a.isFinite else { throw LinearAlgebraError.nonFinite(operation: "svd") }
    let (m, n) = (a.rows, a.cols)
    let r = min(m, n)
    var work = a
    var s = [Double](repeating: 0, count: r)
    var u = MatrixD(zeros: m, r)
    var vt = MatrixD(zeros: r, n)
    guard r > 0 else { return (u, s, vt) }
    let info = work.values.withUnsafeMutableBufferPointer { pa in
        s.withUnsafeMutableBufferPointer { ps in
            u.values.withUnsafeMutableBufferPointer { pu in
                vt.values.withUnsafeMutableBufferPointer { pv in
                    // Row-major: lda = n, ldu = r (u is [m, r]), ldvt = n (vt is [r, n]).
                    LAPACKE_dgesdd(LAPACK_ROW_MAJOR, sChar, numericCast(m), numericCast(n), pa.baseAddress,
                                   numericCast(n), ps.baseAddress, pu.baseAddress, numericCast(r),
                                   pv.baseAddress, numericCast(n))
                }
            }
        }
    }
    try check(info, "dgesdd")
    return (u, s, vt)
}

/// Float twin of `svd` through `LAPACKE_sgesdd`; same shapes and ordering.
public func svd(_ a: Matrix) throws -> (u: Matrix, s: [Float], vt: Matrix) {
    guard a.isFinite else { throw LinearAlgebraError.nonFinite(operation: "svd") }
    let (m, n) = (a.rows, a.cols)
    let r = min(m, n)
    var work = a
    var s = [Float](repeating: 0, count: r)
    var u = Matrix(zeros: m, r)
    var vt = Matrix(zeros: r, n)
    guard r > 0 else { return (u, s, vt) }
    let info = work.values.withUnsafeMutableBufferPointer { pa in
        s.withUnsafeMutableBufferPointer { ps in
            u.values.withUnsafeMutableBufferPointer { pu in
                vt.values.withUnsafeMutableBufferPointer { pv in
                    LAPACKE_sgesdd(LAPACK_ROW_MAJOR, sChar, numericCast(m), numericCast(n), pa.baseAddress,
                                   numericCast(n), ps.baseAddress, pu.baseAddress, numericCast(r),
                                   pv.baseAddress, numericCast(n))
                }
            }
        }
    }
    try check(info, "sgesdd")
    return (u, s, vt)
}
