import LinearAlgebra

extension PCA {
    /// Randomized PCA (Halko, Martinsson & Tropp 2011, Algorithm 4.4).
    ///
    /// With X̄ the centred data `[n, D]` and l = k + p sketch columns:
    /// 1. Ω `[D, l]` standard normal (seeded); Y = X̄ Ω, Q = qr(Y)            — range sketch
    /// 2. q times: Z = qr(X̄ᵀ Q), Q = qr(X̄ Z)                                  — power iterations
    ///    sharpen the spectrum (σᵢ^(2q+1)); QR between products keeps the small directions
    ///    from drowning in round-off
    /// 3. B = Qᵀ X̄ `[l, D]`; SVD of B (Double) gives the top right singular vectors.
    /// The explained-variance ratio divides by the exact total variance (sum of column
    /// variances), as scikit-learn does.
    func fitRandomized(_ x: Matrix) throws -> FittedPCA {
        let (n, d) = (x.rows, x.cols)
        let k = components
        let l = min(k + max(oversamples, 0), min(n, d))
        let iterations = powerIterations ?? (Double(k) < 0.1 * Double(min(n, d)) ? 7 : 4)

        // Centred copy in Float: explicit centring (not X Ω − 1 μᵀΩ) avoids cancellation when
        // the mean is large compared with the spread, as in ViT hidden states.
        let mean = columnMeans(x)
        var centred = x
        var totalVariance = 0.0
        centred.values.withUnsafeMutableBufferPointer { p in
            var sumSquares = [Double](repeating: 0, count: d)
            let meanF = mean.map { Float($0) }
            for i in 0..<n {
                for j in 0..<d {
                    let v = p[i * d + j] - meanF[j]
                    p[i * d + j] = v
                    sumSquares[j] += Double(v) * Double(v)
                }
            }
            totalVariance = sumSquares.reduce(0, +) / Double(n - 1)
        }

        var rng = SeededGenerator(seed: seed)
        let omega = Matrix(rows: d, cols: l, values: (0..<(d * l)).map { _ in Float(rng.gaussian()) })
        var q = try orthonormal(matmul(centred, omega))                                 // [n, l]
        for _ in 0..<iterations {
            let z = try orthonormal(matmul(centred, q, transposeA: true))               // X̄ᵀ Q: [D, l]
            q = try orthonormal(matmul(centred, z))                                     // X̄ Z: [n, l]
        }
        let b = matmul(q, centred, transposeA: true)                                    // Qᵀ X̄: [l, D]
        let (_, s, vt) = try lapackStep("randomized PCA SVD (dgesdd)") { try svd(b.double) }

        var axes = Matrix(zeros: k, d)
        for i in 0..<k { for j in 0..<d { axes[i, j] = Float(vt[i, j]) } }
        let variance = s[0..<k].map { $0 * $0 / Double(n - 1) }
        return FittedPCA(axes: axes, variance: variance, totalVariance: totalVariance, samples: n,
                         mean: mean.map { Float($0) }, method: .randomized)
    }

    private func orthonormal(_ m: Matrix) throws -> Matrix {
        try lapackStep("randomized PCA orthonormalisation (sgeqrf)") { try orthonormalBasis(m) }
    }
}
