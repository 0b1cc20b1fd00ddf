import Foundation

/// Readable reference algorithms beside the LAPACK paths, for tests only.

/// Cyclic Jacobi eigenvalue algorithm (Golub & Van Loan §8.5): rotate away off-diagonal
/// entries until they vanish. Returns ascending values and vectors as columns, like
/// `symmetricEigen`. O(n³) per sweep; fine for n ≤ ~100.
public func jacobiEigen(_ a: MatrixD, sweeps: Int = 100) -> (values: [Double], vectors: MatrixD) {
    let n = a.rows
    var m = a
    var v = MatrixD(identity: n)
    for _ in 0..<sweeps {
        var off = 0.0
        for p in 0..<n { for q in (p + 1)..<max(p + 1, n) { off += m[p, q] * m[p, q] } }
        if off < 1e-30 { break }
        for p in 0..<n {
            for q in (p + 1)..<max(p + 1, n) where abs(m[p, q]) > 1e-300 {
                // Choose the rotation angle that zeroes m[p, q].
                let theta = (m[q, q] - m[p, p]) / (2 * m[p, q])
                let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                let c = 1 / (t * t + 1).squareRoot(), s = t * c
                for k in 0..<n {   // m ← m J (columns p, q)
                    let mkp = m[k, p], mkq = m[k, q]
                    m[k, p] = c * mkp - s * mkq
                    m[k, q] = s * mkp + c * mkq
                }
                for k in 0..<n {   // m ← Jᵀ m (rows p, q)
                    let mpk = m[p, k], mqk = m[q, k]
                    m[p, k] = c * mpk - s * mqk
                    m[q, k] = s * mpk + c * mqk
                }
                for k in 0..<n {   // accumulate V ← V J
                    let vkp = v[k, p], vkq = v[k, q]
                    v[k, p] = c * vkp - s * vkq
                    v[k, q] = s * vkp + c * vkq
                }
            }
        }
    }
    let order = (0..<n).sorted { m[$0, $0] < m[$1, $1] }
    var vectors = MatrixD(zeros: n, n)
    for (j, src) in order.enumerated() { for k in 0..<n { vectors[k, j] = v[k, src] } }
    return (order.map { m[$0, $0] }, vectors)
}

/// Singular values by one-sided Jacobi (Hestenes): orthogonalise the columns of `a`
/// (or of `aᵀ` when it is wide) by plane rotations; the column norms are the singular values.
/// Returned descending, like `svd`.
public func jacobiSingularValues(_ a: MatrixD, sweeps: Int = 100) -> [Double] {
    var w = a.rows >= a.cols ? a : a.transposed
    let (m, n) = (w.rows, w.cols)
    for _ in 0..<sweeps {
        var rotated = false
        for p in 0..<n {
            for q in (p + 1)..<max(p + 1, n) {
                var alpha = 0.0, beta = 0.0, gamma = 0.0
                for k in 0..<m { alpha += w[k, p] * w[k, p]; beta += w[k, q] * w[k, q]; gamma += w[k, p] * w[k, q] }
                guard abs(gamma) > 1e-15 * (alpha * beta).squareRoot() else { continue }
                rotated = true
                let zeta = (beta - alpha) / (2 * gamma)
                let t = (zeta >= 0 ? 1.0 : -1.0) / (abs(zeta) + (1 + zeta * zeta).squareRoot())
                let c = 1 / (1 + t * t).squareRoot(), s = c * t
                for k in 0..<m {
                    let x = w[k, p], y = w[k, q]
                    w[k, p] = c * x - s * y
                    w[k, q] = s * x + c * y
                }
            }
        }
        if !rotated { break }
    }
    return (0..<n).map { j in (0..<m).reduce(0.0) { $0 + w[$1, j] * w[$1, j] }.squareRoot() }.sorted(by: >)
}

/// Cholesky–Banachiewicz factorisation `a = L Lᵀ` followed by forward and back substitution,
/// the reference for `choleskySolve`. Throws `.notPositiveDefinite` with the 1-based order of
/// the first failing pivot, like LAPACK.
public func naiveCholeskySolve(_ a: MatrixD, _ b: MatrixD) throws -> MatrixD {
    let n = a.rows
    var l = MatrixD(zeros: n, n)
    for i in 0..<n {
        for j in 0...i {
            var sum = a[i, j]
            for k in 0..<j { sum -= l[i, k] * l[j, k] }
            if i == j {
                guard sum > 0 else { throw LinearAlgebraError.notPositiveDefinite(routine: "naiveCholesky", order: i + 1) }
                l[i, i] = sum.squareRoot()
            } else {
                l[i, j] = sum / l[j, j]
            }
        }
    }
    var x = b
    for col in 0..<b.cols {
        for i in 0..<n {   // L y = b
            var s = x[i, col]
            for k in 0..<i { s -= l[i, k] * x[k, col] }
            x[i, col] = s / l[i, i]
        }
        for i in stride(from: n - 1, through: 0, by: -1) {   // Lᵀ x = y
            var s = x[i, col]
            for k in (i + 1)..<max(i + 1, n) { s -= l[k, i] * x[k, col] }
            x[i, col] = s / l[i, i]
        }
    }
    return x
}
