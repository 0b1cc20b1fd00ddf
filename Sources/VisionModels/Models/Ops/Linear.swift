import LinearAlgebra

// Shape letters: M rows (n*T tokens of a batch), K input features, N output features.

/// y[M, N] = x[M, K] · Wᵀ + b, with W in HF `nn.Linear` layout [N, K] (out, in).
///
/// One `sgemm` (LinearAlgebra): A = x [M, K] (no transpose, lda = K), B = W stored [N, K] (transposed,
/// ldb = K), C = y [M, N] (ldc = ldy). The bias is broadcast into y first and kept with beta = 1, so it costs no extra pass.
/// - Parameters:
///   - y: output [M, N] with row stride `ldy` (≥ N; a column block of a wider buffer when larger), overwritten.
///   - x: input [M, K].
///   - weight: [N, K].
///   - bias: [N] or nil.
func linear(
    _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
    weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, m: Int, k: Int, n: Int, ldy: Int? = nil
) {
    let ldc = ldy ?? n
    if let bias {
        for r in 0..<m { (y + r * ldc).update(from: bias, count: n) }
    }
    sgemm(transposeB: true, m: m, n: n, k: k, alpha: 1, a: x, lda: k, b: weight, ldb: k, beta: bias == nil ? 0 : 1, c: y, ldc: ldc)
}

/// Reference loop for `linear`: y[i, j] = Σ_k x[i, k] · W[j, k] + b[j], accumulated in Double.
func naiveLinear(_ x: [Float], weight: [Float], bias: [Float]?, m: Int, k: Int, n: Int) -> [Float] {
    var y = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var s = Double(bias?[j] ?? 0)
            for p in 0..<k { s += Double(x[i * k + p]) * Double(weight[j * k + p]) }
            y[i * n + j] = Float(s)
        }
    }
    return y
}
