import Support
import LinearAlgebra

extension PCA {
    /// Randomized PCA (Halko, Martinsson & Tropp 2011, Algorithm 4.4, randomized subspace
    /// iteration), with scikit-learn's choices so results and costs compare one to one.
    ///
    /// With X̄ the centred data `[n, D]` and l = k + p sketch columns:
    /// 1. Ω `[D, l]` standard normal (seeded); Y = X̄ Ω                           — range sketch
    /// 2. q times: Y ← lu(Y); Z = lu(X̄ᵀ Y); Y = X̄ Z                          — power iterations
    ///    sharpen the spectrum (σᵢ^(2q+1)); the LU re-normalisation (P L of `sgetrf`) keeps the
    ///    columns from collapsing onto the top direction in Float32
    /// 3. Q = qr(Y); B = Qᵀ X̄ `[l, D]`; the SVD of B (Double) gives the top right singular vectors.
    /// The explained-variance ratio divides by the exact total variance (sum of column
    /// variances), as scikit-learn does.
    ///
    /// Layout: the sketches Y `[n, l]` and Z `[D, l]` are kept column-major (= row-major
    /// `[l, n]` / `[l, D]`, what sgemm writes for the transposed products below) so LAPACK factors
    /// them in place without LAPACKE's transpose copies.
    func fitRandomized(_ x: Matrix) throws -> FittedPCA {
        let (n, d) = (x.rows, x.cols)
        let k = components
        let l = min(k + max(oversamples, 0), min(n, d))
        let iterations = powerIterations ?? (Double(k) < 0.1 * Double(min(n, d)) ? 7 : 4)

        // Centred copy: explicit centring (not X Ω − 1 μᵀΩ) avoids cancellation when the mean
        // is large compared with the spread, as in ViT hidden states.
        let mean = columnMeans(x)
        let (centred, totalVariance) = centredCopy(x, mean)

        var rng = SeededGenerator(seed: seed)
        let omegaT = (0..<(l * d)).map { _ in Float(rng.gaussian()) }     // Ωᵀ: row-major [l, D]
        var y = [Float](repeating: 0, count: l * n)                        // Y column-major [n, l]
        var z = [Float](repeating: 0, count: l * d)                        // Z column-major [D, l]
        try centred.values.withUnsafeBufferPointer { px in
            let xp = px.baseAddress!
            try y.withUnsafeMutableBufferPointer { py in
                try z.withUnsafeMutableBufferPointer { pz in
                    let (yp, zp) = (py.baseAddress!, pz.baseAddress!)
                    // Yᵀ [l, n] = Ωᵀ [l, D] · X̄ᵀ (X̄ stored [n, D], transposeB).
                    omegaT.withUnsafeBufferPointer { po in
                        sgemm(transposeB: true, m: l, n: n, k: d, a: po.baseAddress!, lda: d, b: xp, ldb: d, c: yp, ldc: n)
                    }
                    for _ in 0..<iterations {
                        try lapackStep("randomized PCA LU (sgetrf)") { try luNormalizeColumns(rows: n, cols: l, yp) }
                        // Zᵀ [l, D] = Yᵀ [l, n] · X̄ [n, D].
                        sgemm(m: l, n: d, k: n, a: yp, lda: n, b: xp, ldb: d, c: zp, ldc: d)
                        try lapackStep("randomized PCA LU (sgetrf)") { try luNormalizeColumns(rows: d, cols: l, zp) }
                        // Yᵀ [l, n] = Zᵀ [l, D] · X̄ᵀ (transposeB).
                        sgemm(transposeB: true, m: l, n: n, k: d, a: zp, lda: d, b: xp, ldb: d, c: yp, ldc: n)
                    }
                    try lapackStep("randomized PCA QR (sgeqrf)") { try orthonormalizeColumns(rows: n, cols: l, yp) }
                    // B [l, D] = Qᵀ [l, n] · X̄ [n, D]; reuse z's storage.
                    sgemm(m: l, n: d, k: n, a: yp, lda: n, b: xp, ldb: d, c: zp, ldc: d)
                }
            }
        }
        let b = MatrixD(rows: l, cols: d, values: z.map { Double($0) })
        let (_, s, vt) = try lapackStep("randomized PCA SVD (dgesdd)") { try svd(b) }

        var axes = Matrix(zeros: k, d)
        for i in 0..<k { for j in 0..<d { axes[i, j] = Float(vt[i, j]) } }
        let variance = s[0..<k].map { $0 * $0 / Double(n - 1) }
        return FittedPCA(axes: axes, variance: variance, totalVariance: totalVariance, samples: n,
                         mean: mean.map { Float($0) }, method: .randomized)
    }
}

/// `x − mean` in Float32 (`[n, D]`) and the total variance Σⱼ var(xⱼ) (ddof 1) in Double.
func centredCopy(_ x: Matrix, _ mean: [Double]) -> (Matrix, Double) {
    let (n, d) = (x.rows, x.cols)
    var centred = x
    var sumSquares = [Double](repeating: 0, count: d)
    let meanF = mean.map { Float($0) }
    var rowSquares = [Float](repeating: 0, count: d)
    centred.values.withUnsafeMutableBufferPointer { p in
        meanF.withUnsafeBufferPointer { m in
            rowSquares.withUnsafeMutableBufferPointer { r in
                sumSquares.withUnsafeMutableBufferPointer { s in
                    // Squares are summed in Float over blocks of 256 rows, then in Double, so the
                    // inner loop vectorises without losing precision over large n.
                    var i = 0
                    while i < n {
                        let end = min(i + 256, n)
                        for j in 0..<d { r[j] = 0 }
                        for row in i..<end {
                            let base = p.baseAddress! + row * d
                            for j in 0..<d {
                                let v = base[j] - m[j]
                                base[j] = v
                                r[j] += v * v
                            }
                        }
                        for j in 0..<d { s[j] += Double(r[j]) }
                        i = end
                    }
                }
            }
        }
    }
    return (centred, sumSquares.reduce(0, +) / Double(n - 1))
}
