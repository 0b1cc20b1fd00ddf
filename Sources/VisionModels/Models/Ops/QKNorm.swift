import Support

// Shape letters: n·T rows of a batch, D hidden.

/// QK-norm (InternViT's `use_qk_norm`): one norm over all D channels of each token's query and another
/// of its key, in place in the fused q | k | v rows, after the projections and before the heads split
/// (HF `InternVLVisionAttention`: `q_norm(q_proj(x))`, `k_norm(k_proj(x))`). Values are untouched.
/// - Parameters:
///   - qkv: [rows, 3D], q at columns 0..<D and k at D..<2D of each row.
///   - query, key: the two norms' weights [D].
func qkNormalize(_ qkv: FloatBuffer, _ norm: Norm, query: NormWeights, key: NormWeights, rows: Int, width d: Int, threads: Int) {
    parallelFor(rows, threads: threads) { r in
        for row in r {
            let q = qkv.pointer + row * 3 * d
            normalizeRow(q, norm, query, width: d)
            normalizeRow(q + d, norm, key, width: d)
        }
    }
}

/// One row of D values normalised in place.
private func normalizeRow(_ x: UnsafeMutablePointer<Float>, _ norm: Norm, _ w: NormWeights, width d: Int) {
    switch w {
    case let .layerNorm(gamma, beta): layerNorm(x, x, gamma: gamma, beta: beta, rows: 1, width: d, eps: norm.eps)
    case let .rmsNorm(gamma): rmsNorm(x, x, gamma: gamma, rows: 1, width: d, eps: norm.eps)
    }
}
