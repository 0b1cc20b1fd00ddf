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
    softmaxRows(s, rows: t, width: t)
    patternHook?(s)
    if let received {
        // received[T] += w · Pᵀ[T, T] · 1 — the column sums as one sgemv (P stored [T, T], transposed).
        onesVector(t).withUnsafeBufferPointer { ones in
            sgemv(transpose: true, m: t, n: t, alpha: receivedWeight, a: s, lda: t, x: ones.baseAddress!, beta: 1, y: received)
        }
    }
    // O_h[T, hd] = P[T, T] · V_h[T, hd] — no transposes, ldb = 3D, ldc = D (into out's head block).
    sgemm(m: t, n: hd, k: t, alpha: 1, a: s, lda: t, b: v, ldb: ld, beta: 0, c: out + head * hd, ldc: d)
}

/// Softmax of each row in place: exp(x - max) / Σ exp(x - max); subtracting the max keeps exp finite.
///
/// Two passes over the row instead of three: the max (eight running maxima, so the loop vectorises;
/// Swift's `max` orders NaNs and does not), then exp written back with its sum in eight running
/// partial sums, then the scaling. A NaN logit gives a NaN row, as in PyTorch.
func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, width w: Int) {
    for r in 0..<rows {
        let row = x + r * w
        let m = max8(row, count: w)
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0, s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        var j = 0
        while j + 8 <= w {
            let e0 = fastExp(row[j] - m), e1 = fastExp(row[j + 1] - m), e2 = fastExp(row[j + 2] - m), e3 = fastExp(row[j + 3] - m)
            let e4 = fastExp(row[j + 4] - m), e5 = fastExp(row[j + 5] - m), e6 = fastExp(row[j + 6] - m), e7 = fastExp(row[j + 7] - m)
            row[j] = e0; row[j + 1] = e1; row[j + 2] = e2; row[j + 3] = e3
            row[j + 4] = e4; row[j + 5] = e5; row[j + 6] = e6; row[j + 7] = e7
            s0 += e0; s1 += e1; s2 += e2; s3 += e3; s4 += e4; s5 += e5; s6 += e6; s7 += e7
            j += 8
        }
        while j < w { let e = fastExp(row[j] - m); row[j] = e; s0 += e; j += 1 }
        let inv = 1 / (((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)))
        for j in 0..<w { row[j] *= inv }
    }
}

/// The largest of x[0..<count] with eight running maxima (a plain `max` loop is one serial chain
/// that handles NaN, which keeps it scalar). A NaN anywhere makes the result NaN or is skipped by
/// the comparisons; either way the row's exp turns NaN through `x - max`.
@inline(__always)
func max8(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var m0 = -Float.infinity, m1 = m0, m2 = m0, m3 = m0, m4 = m0, m5 = m0, m6 = m0, m7 = m0
    var i = 0
    while i + 8 <= count {
        m0 = x[i] > m0 ? x[i] : m0; m1 = x[i + 1] > m1 ? x[i + 1] : m1
        m2 = x[i + 2] > m2 ? x[i + 2] : m2; m3 = x[i + 3] > m3 ? x[i + 3] : m3
        m4 = x[i + 4] > m4 ? x[i + 4] : m4; m5 = x[i + 5] > m5 ? x[i + 5] : m5
        m6 = x[i + 6] > m6 ? x[i + 6] : m6; m7 = x[i + 7] > m7 ? x[i + 7] : m7
        i += 8
    }
    while i < count { m0 = x[i] > m0 ? x[i] : m0; i += 1 }
    let a = m0 > m1 ? m0 : m1, b = m2 > m3 ? m2 : m3, c = m4 > m5 ? m4 : m5, d = m6 > m7 ? m6 : m7
    let ab = a > b ? a : b, cd = c > d ? c : d
    return ab > cd ? ab : cd
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
