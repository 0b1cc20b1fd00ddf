import LinearAlgebra

/// SplitMix64: a tiny seeded generator so test matrices are the same on every run.
struct TestRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) * 2 - 1 }
}

func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
    var rng = TestRandom(seed: seed)
    return Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in Float(rng.uniform()) })
}

func randomMatrixD(_ rows: Int, _ cols: Int, seed: UInt64) -> MatrixD {
    var rng = TestRandom(seed: seed)
    return MatrixD(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in rng.uniform() })
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
