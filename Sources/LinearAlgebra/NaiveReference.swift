/// Readable reference loops beside the BLAS fast paths. Tests check the fast paths against
/// them; they are O(M N K) triple loops in Double, never used for real work.

/// Reference for `sgemm`: same arguments and layout rules, plain loops accumulating in Double.
public func naiveSgemm(
    transposeA: Bool = false, transposeB: Bool = false, m: Int, n: Int, k: Int,
    alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let aip = transposeA ? a[p * lda + i] : a[i * lda + p]   // op(A)[i, p]
                let bpj = transposeB ? b[j * ldb + p] : b[p * ldb + j]   // op(B)[p, j]
                sum += Double(aip) * Double(bpj)
            }
            let old: Float = beta == 0 ? 0 : beta * c[i * ldc + j]       // beta = 0 ignores C, as BLAS does
            c[i * ldc + j] = alpha * Float(sum) + old
        }
    }
}

/// Reference for `matmul(_:_:transposeA:transposeB:alpha:)` on `Matrix`.
public func naiveMatmul(
    _ a: Matrix, _ b: Matrix, transposeA: Bool = false, transposeB: Bool = false, alpha: Float = 1
) -> Matrix {
    let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
    let n = transposeB ? b.rows : b.cols
    var out = Matrix(zeros: m, n)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transposeA ? a[p, i] : a[i, p]
                let y = transposeB ? b[j, p] : b[p, j]
                sum += Double(x) * Double(y)
            }
            out[i, j] = alpha * Float(sum)
        }
    }
    return out
}

/// Reference for `matmul` on `MatrixD`.
public func naiveMatmul(
    _ a: MatrixD, _ b: MatrixD, transposeA: Bool = false, transposeB: Bool = false, alpha: Double = 1
) -> MatrixD {
    let (m, k) = transposeA ? (a.cols, a.rows) : (a.rows, a.cols)
    let n = transposeB ? b.rows : b.cols
    var out = MatrixD(zeros: m, n)
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k { sum += (transposeA ? a[p, i] : a[i, p]) * (transposeB ? b[j, p] : b[p, j]) }
            out[i, j] = alpha * sum
        }
    }
    return out
}
