import Foundation
import LinearAlgebra

/// The L2-regularised logistic loss exactly as scikit-learn's `LogisticRegression(solver="lbfgs")`
/// minimises it (sklearn ≥ 1.1, checked against 1.9.1):
///
///     f(W, b) = (1/n) Σᵢ loss(yᵢ, W xᵢ + b) + ‖W‖² / (2 C n)
///
/// which is C Σ loss + ½‖W‖² divided by C n; the intercept b is not penalised.
/// - Binary (K = 2): one weight row (`HalfBinomialLoss`), loss = log(1 + e^z) − y z.
/// - K ≥ 3: K weight rows (`HalfMultinomialLoss`), loss = logsumexp(z) − z_y.
///
/// Parameters are packed `[W (K′ × D, row-major), b (K′)]` with K′ = 1 or K.
/// Both products run through `cblas_sgemm` on the Float32 features.
struct LogisticObjective {
    /// `[n, D]`.
    let x: Matrix
    /// `[n]` class indices in `0..<classes`.
    let y: [Int]
    let classes: Int
    /// 1/(C n), the penalty on ½‖W‖² in the mean-loss scaling.
    let l2: Double

    var outputs: Int { classes == 2 ? 1 : classes }
    var parameterCount: Int { outputs * (x.cols + 1) }

    /// Scratch buffers reused across evaluations: logits / residuals `[n, K′]`, weights `[K′, D]`.
    final class Workspace: @unchecked Sendable {   // confined to one fit call, never shared
        var logits: [Float]
        var weights: [Float]
        var gradient: [Float]
        init(n: Int, outputs: Int, features: Int) {
            logits = [Float](repeating: 0, count: n * outputs)
            weights = [Float](repeating: 0, count: outputs * features)
            gradient = [Float](repeating: 0, count: outputs * features)
        }
    }

    /// f at `w`; writes ∇f into `grad`.
    func evaluate(_ w: [Double], _ grad: inout [Double], _ ws: Workspace) -> Double {
        let (n, d, k) = (x.rows, x.cols, outputs)
        for i in 0..<(k * d) { ws.weights[i] = Float(w[i]) }
        x.values.withUnsafeBufferPointer { px in
            ws.weights.withUnsafeBufferPointer { pw in
                ws.logits.withUnsafeMutableBufferPointer { pz in
                    // Row-major: Z[n, K′] = X[n, D] · Wᵀ (W stored [K′, D], transposeB).
                    sgemm(transposeB: true, m: n, n: k, k: d, a: px.baseAddress!, lda: d,
                          b: pw.baseAddress!, ldb: d, c: pz.baseAddress!, ldc: k)
                }
            }
        }
        var loss = 0.0
        var interceptGrad = [Double](repeating: 0, count: k)
        ws.logits.withUnsafeMutableBufferPointer { z in
            if k == 1 {
                let b = w[d]
                for i in 0..<n {
                    let zi = Double(z[i]) + b
                    let yi = Double(y[i])
                    // log(1 + e^z) computed without overflow.
                    loss += (zi > 0 ? zi + log1p(exp(-zi)) : log1p(exp(zi))) - yi * zi
                    let r = 1 / (1 + exp(-zi)) - yi           // residual σ(z) − y, the loss derivative
                    z[i] = Float(r)
                    interceptGrad[0] += r
                }
            } else {
                var row = [Double](repeating: 0, count: k)
                for i in 0..<n {
                    var top = -Double.infinity
                    for c in 0..<k { row[c] = Double(z[i * k + c]) + w[k * d + c]; top = max(top, row[c]) }
                    var total = 0.0
                    for c in 0..<k { row[c] = exp(row[c] - top); total += row[c] }
                    let yi = y[i]
                    loss += log(total) - log(row[yi])          // logsumexp(z) − z_y, shifted by the max
                    for c in 0..<k {
                        let r = row[c] / total - (c == yi ? 1 : 0)   // softmax − one-hot
                        z[i * k + c] = Float(r)
                        interceptGrad[c] += r
                    }
                }
            }
        }
        let scale = 1 / Double(n)
        x.values.withUnsafeBufferPointer { px in
            ws.logits.withUnsafeBufferPointer { pr in
                ws.gradient.withUnsafeMutableBufferPointer { pg in
                    // Row-major: ∇W[K′, D] = Rᵀ · X / n with R[n, K′] stored as is (transposeA).
                    sgemm(transposeA: true, m: k, n: d, k: n, alpha: Float(scale), a: pr.baseAddress!, lda: k,
                          b: px.baseAddress!, ldb: d, c: pg.baseAddress!, ldc: d)
                }
            }
        }
        var penalty = 0.0
        for i in 0..<(k * d) {
            penalty += w[i] * w[i]
            grad[i] = Double(ws.gradient[i]) + l2 * w[i]
        }
        for c in 0..<k { grad[k * d + c] = interceptGrad[c] * scale }
        return loss * scale + 0.5 * l2 * penalty
    }
}
