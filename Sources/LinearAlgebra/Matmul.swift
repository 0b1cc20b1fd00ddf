import CBLAS

// BLAS conventions, stated once for every caller in the package (the forward passes of VisionModels,
// the probes of SinkAnalysis): every buffer is row-major (`CblasRowMajor`); a transpose flag makes
// BLAS read a stored matrix transposed, never copies it; a leading dimension (`lda`, `ldb`, `ldc`) is
// the distance in elements between two rows as stored, so a column block of a wider matrix (one head
// of q | k | v) is addressed by its first element and the full row width. Each wrapper's doc gives
// its shapes; callers state theirs in `[rows, cols]` next to the call.

// MARK: - Low level (pointers, for hot loops)

/// `C[M, N] = alpha * op(A) * op(B) + beta * C` on row-major buffers, through `cblas_sgemm`.
///
/// Layout: every buffer is row-major (`CblasRowMajor`). `op(A)` is `[M, K]`:
/// - `transposeA == false`: A is stored `[M, K]`, `lda >= K`;
/// - `transposeA == true`:  A is stored `[K, M]`, `lda >= M` (BLAS reads it transposed, no copy).
/// Likewise `op(B)` is `[K, N]`: stored `[K, N]` (`ldb >= N`) or `[N, K]` (`ldb >= K`) when
/// `transposeB`. C is `[M, N]` with `ldc >= N`. With `beta == 0`, C need not be initialised.
///
/// Used directly by forward passes and probe gradients, where allocating a `Matrix` per call
/// would dominate.
public func sgemm(
    transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    cblas_sgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        numericCast(m), numericCast(n), numericCast(k), alpha, a, numericCast(lda), b, numericCast(ldb),
        beta, c, numericCast(ldc))
}

/// `y = alpha * op(A) * x + beta * y` on a row-major A, through `cblas_sgemv`.
///
/// A is stored `[M, N]` with `lda >= N`. `op(A)` is A (`transpose == false`: x has N values, y has M)
/// or Aᵀ (`transpose == true`: x has M values, y has N; with x = ones, y += alpha · the column sums
/// of A). `incx` and `incy` are the strides between consecutive vector elements. With `beta == 0`,
/// y need not be initialised.
public func sgemv(
    transpose: Bool = false, m: Int, n: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    x: UnsafePointer<Float>, incx: Int = 1, beta: Float = 0, y: UnsafeMutablePointer<Float>, incy: Int = 1
) {
    guard m > 0, n > 0 else { return }
    cblas_sgemv(
        CblasRowMajor, transpose ? CblasTrans : CblasNoTrans, numericCast(m), numericCast(n), alpha, a,
        numericCast(lda), x, numericCast(incx), beta, y, numericCast(incy))
}

/// Double twin of `sgemm` through `cblas_dgemm`; same layout and transpose rules.
public func dgemm(
    transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Double = 1, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
    beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
) {
    guard m > 0, n > 0 else { return }
    cblas_dgemm(
        CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
        numericCast(m), numericCast(n), numericCast(k), alpha, a, numericCast(lda), b, numericCast(ldb),
        beta, c, numericCast(ldc))
}

// MARK: - Matrix level

/// `alpha * op(a) * op(b)` through `cblas_sgemm` (row-major; transposes are passed to BLAS,
/// never materialised). Shapes: op(a) `[M, K]`, op(b) `[K, N]` → `[M, N]`.
///
/// Mismatched inner dimensions are a programming error and trap.
public func matmul(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1
) -> Matrix {
    let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = transposeB ? (b.cols, b.rows) : (b.rows, b.cols)
    precondition(k == kb, "matmul: op(a) is \(m)x\(k) but op(b) is \(kb)x\(n)")
    var out = Matrix(zeros: m, n)
    guard k > 0 else { return out }
    a.values.withUnsafeBufferPointer { pa in
        b.values.withUnsafeBufferPointer { pb in
            out.values.withUnsafeMutableBufferPointer { pc in
                sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: pa.baseAddress!, lda: max(a.cols, 1), b: pb.baseAddress!, ldb: max(b.cols, 1),
                      beta: 0, c: pc.baseAddress!, ldc: max(n, 1))
            }
        }
    }
    return out
}

/// Double twin of `matmul` through `cblas_dgemm`.
public func matmul(
    _ a: MatrixD, _ b: MatrixD, transposeA: Bool = false, transposeB: Bool = false, alpha: Double = 1
) -> MatrixD {
    let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
    let (kb, n) = transposeB ? (b.cols, b.rows) : (b.rows, b.cols)
    precondition(k == kb, "matmul: op(a) is \(m)x\(k) but op(b) is \(kb)x\(n)")
    var out = MatrixD(zeros: m, n)
    guard k > 0 else { return out }
    a.values.withUnsafeBufferPointer { pa in
        b.values.withUnsafeBufferPointer { pb in
            out.values.withUnsafeMutableBufferPointer { pc in
                dgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                      a: pa.baseAddress!, lda: max(a.cols, 1), b: pb.baseAddress!, ldb: max(b.cols, 1),
                      beta: 0, c: pc.baseAddress!, ldc: max(n, 1))
            }
        }
    }
    return out
}

// MARK: - Gram matrices

/// `alpha * Aᵀ A` for A `[K, N]` stored row-major with leading dimension `lda >= N`,
/// accumulated into C `[N, N]` (`C = alpha Aᵀ A + beta C`) through `cblas_ssyrk`
/// (row-major, `CblasUpper`, `CblasTrans`: half the flops of sgemm).
///
/// Only the upper triangle of C is written; call `symmetrizeUpper` when the full matrix is needed.
public func ssyrkTransposed(
    n: Int, k: Int, alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    guard n > 0 else { return }
    cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, numericCast(n), numericCast(k), alpha, a,
                numericCast(lda), beta, c, numericCast(ldc))
}

/// Double twin of `ssyrkTransposed` through `cblas_dsyrk` (row-major, upper, transposed).
public func dsyrkTransposed(
    n: Int, k: Int, alpha: Double = 1, a: UnsafePointer<Double>, lda: Int,
    beta: Double = 0, c: UnsafeMutablePointer<Double>, ldc: Int
) {
    guard n > 0 else { return }
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, numericCast(n), numericCast(k), alpha, a,
                numericCast(lda), beta, c, numericCast(ldc))
}

/// Copies the upper triangle of a square matrix onto its lower triangle.
public func symmetrizeUpper(_ m: inout MatrixD) {
    let n = m.rows
    for r in 0..<n { for c in 0..<r { m.values[r * n + c] = m.values[c * n + r] } }
}

/// `Aᵀ A` `[N, N]` in Double for A `[K, N]` (both triangles filled), through `cblas_dsyrk`.
public func gram(_ a: MatrixD) -> MatrixD {
    var out = MatrixD(zeros: a.cols, a.cols)
    guard a.rows > 0 else { return out }
    a.values.withUnsafeBufferPointer { pa in
        out.values.withUnsafeMutableBufferPointer { pc in
            dsyrkTransposed(n: a.cols, k: a.rows, a: pa.baseAddress!, lda: a.cols, c: pc.baseAddress!, ldc: a.cols)
        }
    }
    symmetrizeUpper(&out)
    return out
}
