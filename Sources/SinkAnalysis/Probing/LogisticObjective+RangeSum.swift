import Foundation
import LinearAlgebra

extension LogisticObjective {
    /// One worker's share of an evaluation: Σ loss, Σ residuals (intercept gradient) and
    /// Σ residualᵀ x / n (weight gradient) over a contiguous range of rows, with its own scratch.
    ///
    /// The range is walked block by block (`blockRows`, ~1 MiB of features): the logits product
    /// brings the block into cache, the residuals overwrite the logits, and the gradient product
    /// reads the block again from cache, so each evaluation reads X from memory once.
    final class RangeSum: @unchecked Sendable {   // owned by one worker during an evaluation
        /// Σ loss over the range (not yet divided by n).
        private(set) var loss = 0.0
        /// `[K′, D]` Σ rᵢ xᵢ / n, in Float as sgemm accumulates it.
        private(set) var gradient: [Float]
        /// `[K′]` Σ rᵢ (not yet divided by n).
        private(set) var interceptGradient: [Double]
        /// `[blockRows, K′]` logits of the current block, then its residuals.
        private var block: [Float]
        /// `[K′]` one row's shifted logits, then their exponentials.
        private var row: [Double]

        init(blockRows: Int, outputs k: Int, features d: Int) {
            gradient = [Float](repeating: 0, count: k * d)
            interceptGradient = [Double](repeating: 0, count: k)
            block = [Float](repeating: 0, count: blockRows * k)
            row = [Double](repeating: 0, count: k)
        }

        /// Replaces the sums with those over `rows` of `objective` at weights `weights` (`[K′, D]`
        /// Float) and intercept `[K′]`.
        func accumulate(_ objective: LogisticObjective, rows range: Range<Int>,
                        weights: UnsafeBufferPointer<Float>, intercept: [Double]) {
            let (d, k) = (objective.x.cols, objective.outputs)
            let alpha = Float(1 / Double(objective.x.rows))
            loss = 0
            for c in 0..<k { interceptGradient[c] = 0 }
            if range.isEmpty { for i in gradient.indices { gradient[i] = 0 }; return }
            objective.x.values.withUnsafeBufferPointer { px in
                objective.y.withUnsafeBufferPointer { py in
                    block.withUnsafeMutableBufferPointer { pz in
                        gradient.withUnsafeMutableBufferPointer { pg in
                            var start = range.lowerBound
                            while start < range.upperBound {
                                let rows = min(objective.blockRows, range.upperBound - start)
                                let xb = px.baseAddress! + start * d, zb = pz.baseAddress!
                                // Row-major: Z[rows, K′] = X_block[rows, D] · Wᵀ (W stored [K′, D], transposeB).
                                sgemm(transposeB: true, m: rows, n: k, k: d, a: xb, lda: d, b: weights.baseAddress!,
                                      ldb: d, c: zb, ldc: k)
                                residuals(zb, rows: rows, labels: py.baseAddress! + start, outputs: k, intercept: intercept)
                                // Row-major: ∇W[K′, D] (+)= R_blockᵀ · X_block / n, R stored [rows, K′] (transposeA).
                                sgemm(transposeA: true, m: k, n: d, k: rows, alpha: alpha, a: zb, lda: k,
                                      b: xb, ldb: d, beta: start == range.lowerBound ? 0 : 1, c: pg.baseAddress!, ldc: d)
                                start += rows
                            }
                        }
                    }
                }
            }
        }

        /// Adds each row's loss to `loss` and its residual to `interceptGradient`, and overwrites
        /// the row's logits `z` (`[rows, K′]`) with its residual: σ(z) − y (binary) or
        /// softmax(z) − one-hot(y). Double inside, so exp and log lose nothing to Float.
        private func residuals(_ z: UnsafeMutablePointer<Float>, rows: Int, labels: UnsafePointer<Int>,
                               outputs k: Int, intercept: [Double]) {
            for i in 0..<rows {
                let zi = z + i * k, yi = labels[i]
                if k == 1 {
                    let v = Double(zi[0]) + intercept[0]
                    // log(1 + e^v) − y v without overflow; residual σ(v) − y.
                    loss += (v > 0 ? v + log1p(exp(-v)) : log1p(exp(v))) - Double(yi) * v
                    let r = 1 / (1 + exp(-v)) - Double(yi)
                    zi[0] = Float(r)
                    interceptGradient[0] += r
                } else {
                    var top = -Double.infinity
                    for c in 0..<k { row[c] = Double(zi[c]) + intercept[c]; top = max(top, row[c]) }
                    var total = 0.0
                    for c in 0..<k { row[c] = exp(row[c] - top); total += row[c] }
                    loss += log(total) - log(row[yi])   // logsumexp(z) − z_y, shifted by the max
                    for c in 0..<k {
                        let r = row[c] / total - (c == yi ? 1 : 0)   // softmax − one-hot
                        zi[c] = Float(r)
                        interceptGradient[c] += r
                    }
                }
            }
        }
    }
}
