import Support

// Shape letters: n images in the batch, T tokens per image, D hidden, H heads, d = D/H head width.

extension VisionTransformer {
    /// What each token's value vectors are and what they add to the attention output, for telling
    /// no-op sinks (tiny values: attended to, adding nothing) from broadcasting ones (large values,
    /// written into every query's output), as `--capture values` stores them.
    ///
    /// For token j of image i, with v_h[j] the value vector of head h (bias included, [d]) and
    /// ā_h[j] = mean over all T queries q of A[h, q, j] (its received attention in head h ÷ T):
    /// - `norms[j]` = mean over h of ‖v_h[j]‖ (`value_norm.{l}`);
    /// - `outputs[j]` = ‖Σ_h ā_h[j] · W_o[:, h-slice] · v_h[j]‖ (`value_out.{l}`): the norm of what
    ///   j adds, on average over the queries, to the attention branch after W_o — before its bias
    ///   (which belongs to no token) and before the layer scale (the same point as `blocks.{b}.attn.out`).
    ///
    /// - Parameters:
    ///   - qkv: [n·T, 3D], v at columns 2D..<3D.
    ///   - received: per image and head the column sums of the pattern weighted by 1/H, [n, H, T].
    ///   - scratch, projected: [n·T, D] work buffers.
    /// - Returns: per image, norms [T] and outputs [T].
    /// - Complexity: one [n·T, D] × [D, D] sgemm (the W_o projection of the weighted values) plus O(n·T·D).
    func valueContributions(
        _ qkv: FloatBuffer, received: FloatBuffer, outputProjection wo: LinearWeights, images n: Int, tokens t: Int,
        scratch: FloatBuffer, projected: FloatBuffer, threads: Int
    ) -> [(norms: [Float], outputs: [Float])] {
        let d = spec.hiddenSize, heads = spec.heads, dh = d / heads
        let norms = FloatBuffer(n * t)
        // scratch[i·T + j, h-slice] = ā_h[j] · v_h[j]; received holds (1/H)·colsum, so ā = received · H / T.
        let weight = Float(heads) / Float(t)
        parallelFor(n * t, threads: threads) { rows in
            for r in rows {
                let image = r / t, token = r % t
                let v = qkv.pointer + r * 3 * d + 2 * d, out = scratch.pointer + r * d
                var normSum = 0.0
                for h in 0..<heads {
                    let a = received.pointer[(image * heads + h) * t + token] * weight
                    var s = 0.0
                    for c in 0..<dh {
                        let x = v[h * dh + c]
                        s += Double(x) * Double(x)
                        out[h * dh + c] = a * x
                    }
                    normSum += s.squareRoot()
                }
                norms.pointer[r] = Float(normSum / Double(heads))
            }
        }
        var noBias = wo
        noBias.bias = nil
        linear(projected.pointer, scratch.pointer, noBias, rows: n * t, threads: threads)
        let outputs = FloatBuffer(n * t)
        parallelFor(n * t, threads: threads) { r in
            rowNorms(outputs.pointer + r.lowerBound, projected.pointer + r.lowerBound * d, rows: r.count, width: d)
        }
        return (0..<n).map { (norms.array(offset: $0 * t, count: t), outputs.array(offset: $0 * t, count: t)) }
    }
}
