import LinearAlgebra
import TestSupport

/// Uniform in [-1, 1) from the shared seeded generator.
func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
    var rng = TestRandom(seed: seed)
    return Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in Float(rng.uniform() * 2 - 1) })
}

func randomMatrixD(_ rows: Int, _ cols: Int, seed: UInt64) -> MatrixD {
    var rng = TestRandom(seed: seed)
    return MatrixD(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in rng.uniform() * 2 - 1 })
}

/// A random symmetric positive definite matrix: Aᵀ A + n I.
func randomSPD(_ n: Int, seed: UInt64) -> MatrixD {
    let a = randomMatrixD(n, n, seed: seed)
    var s = matmul(a, a, transposeA: true)
    for i in 0..<n { s[i, i] += Double(n) }
    return s
}

/// max |a − b| / max |b| over all entries.
func relativeError(_ a: MatrixD, _ b: MatrixD) -> Double {
    var diff = 0.0, ref = 0.0
    for i in 0..<a.values.count { diff = max(diff, abs(a.values[i] - b.values[i])); ref = max(ref, abs(b.values[i])) }
    return diff / max(ref, 1e-300)
}

func diagonal(_ d: [Double]) -> MatrixD {
    var m = MatrixD(zeros: d.count, d.count)
    for i in 0..<d.count { m[i, i] = d[i] }
    return m
}
