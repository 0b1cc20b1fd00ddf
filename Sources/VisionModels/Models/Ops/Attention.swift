import CVectorMath
import Foundation
import LinearAlgebra

// Shape letters: T tokens of one image, D hidden, H heads, hd = D / H head width.

/// Multi-head self-attention of one image, from the fused projections to the per-head context.
///
/// For each head h: S = (Q_h K_hᵀ) / √hd, P = softmax over keys (each row), O_h = P V_h.
/// Q, K, V are column blocks of `qkv` (q | k | v, each D wide, head h at columns h·hd ..< (h+1)·hd),
/// so no head is copied out: the BLAS calls read them through the leading dimension 3D.
/// - Parameters:
///   - out: context [T, D] (row stride D), head h written to its column block.
///   - qkv: [T, 3D].
///   - scratch: [T, T] workspace for one head's scores when `probs` is nil.
///   - received: [T] or nil; gets += (1/H) Σ_queries P[h, query, key] for every head — the head-mean
///     column sum ("attention received" by each key token). The caller zeroes it.
///   - probs: [H, T, T] or nil; receives the probabilities when they are kept.
func attention(
    _ out: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>, tokens t: Int, heads h: Int, width d: Int,
    scratch: UnsafeMutablePointer<Float>, received: UnsafeMutablePointer<Float>?, probs: UnsafeMutablePointer<Float>?
) {
    for head in 0..<h {
        attentionHead(out, qkv: qkv, head: head, tokens: t, heads: h, width: d,
                      scores: probs.map { $0 + head * t * t } ?? scratch, received: received, receivedWeight: 1 / Float(h))
    }
}

/// One head of `attention`: the unit of work the forward pass spreads over threads.
/// - Parameters:
///   - scores: [T, T], holds this head's probabilities on return.
///   - received: [T] or nil; gets += receivedWeight · (column sums of the probabilities).
///   - logitsHook, patternHook: run on the [T, T] scores before / after the softmax (interventions).
func attentionHead(
    _ out: UnsafeMutablePointer<Float>, qkv: UnsafePointer<Float>, head: Int, tokens t: Int, heads h: Int, width d: Int,
    scores s: UnsafeMutablePointer<Float>, received: UnsafeMutablePointer<Float>?, receivedWeight: Float,
    logitsHook: ((UnsafeMutablePointer<Float>) -> Void)? = nil, patternHook: ((UnsafeMutablePointer<Float>) -> Void)? = nil
) {
    let hd = d / h, ld = 3 * d
    let q = qkv + head * hd, k = qkv + d + head * hd, v = qkv + 2 * d + head * hd
    // S[T, T] = Q_h[T, hd] · K_h[T, hd]ᵀ / √hd — A no transpose, B transposed, both read in q | k | v (lda = ldb = 3D).
    sgemm(transposeB: true, m: t, n: t, k: hd, alpha: 1 / Float(hd).squareRoot(), a: q, lda: ld, b: k, ldb: ld, beta: 0, c: s, ldc: t)
    logitsHook?(s)
    // Without a pattern hook the received column sums are added row by row inside the softmax, while
    // each row is still in L1, instead of by a second pass over the whole [T, T] map.
    let fused = patternHook == nil
    softmaxRows(s, rows: t, width: t, received: fused ? received : nil, receivedWeight: receivedWeight)
    patternHook?(s)
    if let received, !fused {
        // received[T] += w · Pᵀ[T, T] · 1 over the hooked pattern — the column sums as one sgemv (P stored [T, T], transposed).
        onesVector(t).withUnsafeBufferPointer { ones in
            sgemv(transpose: true, m: t, n: t, alpha: receivedWeight, a: s, lda: t, x: ones.baseAddress!, beta: 1, y: received)
        }
    }
    // O_h[T, hd] = P[T, T] · V_h[T, hd] — no transposes, ldb = 3D, ldc = D (into out's head block).
    sgemm(m: t, n: hd, k: t, alpha: 1, a: s, lda: t, b: v, ldb: ld, beta: 0, c: out + head * hd, ldc: d)
}

/// Softmax of each row in place, exp(x − max) / Σ exp(x − max) (subtracting the max keeps exp
/// finite), and, when `received` is given, received[j] += receivedWeight · Σ_rows p[row, j].
///
/// CVectorMath's `ss_softmax_rows`: per row the max, then exp written back with its sum, then the
/// scaling with the column sums added in the same pass. A NaN logit gives a NaN row, as in PyTorch.
func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width: Int, received: UnsafeMutablePointer<Float>? = nil, receivedWeight: Float = 0) {
    ss_softmax_rows(x, rows, width, received, receivedWeight)
}

/// A vector of `n` ones (for column sums through sgemv).
func onesVector(_ n: Int) -> [Float] { [Float](repeating: 1, count: n) }

/// Reference for `attention` in Double with explicit loops, from separate q, k, v [T, D] arrays.
/// - Returns: context [T, D], probabilities [H, T, T], received [T].
func naiveAttention(q: [Float], k: [Float], v: [Float], tokens t: Int, heads h: Int, width d: Int)
    -> (context: [Float], probs: [Float], received: [Float])
{
    let hd = d / h
    var context = [Float](repeating: 0, count: t * d)
    var probs = [Float](repeating: 0, count: h * t * t)
    var received = [Float](repeating: 0, count: t)
    for head in 0..<h {
        for i in 0..<t {
            var logits = [Double](repeating: 0, count: t)
            for j in 0..<t {
                var s = 0.0
                for c in 0..<hd { s += Double(q[i * d + head * hd + c]) * Double(k[j * d + head * hd + c]) }
                logits[j] = s / Double(hd).squareRoot()
            }
            let m = logits.max() ?? 0
            let e = logits.map { exp($0 - m) }
            let z = e.reduce(0, +)
            for j in 0..<t {
                let p = e[j] / z
                probs[(head * t + i) * t + j] = Float(p)
                received[j] += Float(p / Double(h))
            }
            for c in 0..<hd {
                var s = 0.0
                for j in 0..<t { s += e[j] / z * Double(v[j * d + head * hd + c]) }
                context[i * d + head * hd + c] = Float(s)
            }
        }
    }
    return (context, probs, received)
}
