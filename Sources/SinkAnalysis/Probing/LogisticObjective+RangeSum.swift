import Foundation
import LinearAlgebra

extension LogisticObjective {
    /// One worker's share of an evaluation: Σ loss, Σ residuals (intercept gradient) and
    /// Σ residualᵀ x / n (weight gradient) over a contiguous range of rows, with its own scratch.
    ///
    /// The range is walked block by block (`blockRows`, small enough for OpenBLAS's unpacked
    /// kernels): the logits product brings the block into cache, the residuals overwrite the
    /// logits, and the gradient product reads the block again from cache, so each evaluation
    /// reads X from memory once.
    final class RangeSum: @unchecked Sendable {   // owned by one worker during an evaluation
        /// Σ loss over the range (not yet divided by n).
        private(set) var loss = 0.0
        /// `[K′, D]` Σ rᵢ xᵢ / n, in Float as sgemm accumulates it.
        private(set) var gradient: [Float]
        /// `[K′]` Σ rᵢ (not yet divided by n).
        private(set) var interceptGradient: [Double]
        /// `[blockRows, K′]` logits of the current block, then its residuals.
        private var block: [Float]

        init(blockRows: Int, outputs k: Int, features d: Int) {
            gradient = [Float](repeating: 0, count: k * d)
            interceptGradient = [Double](repeating: 0, count: k)
            block = [Float](repeating: 0, count: blockRows * k)
        }

        /// Replaces the sums with those over `rows` of `objective` at weights `weights` (`[K′, D]`
        /// Float) and intercept `[K′]`.
        func accumulate(_ objective: LogisticObjective, rows range: Range<Int>,
                        weights: [Float], intercept: [Double]) {
            let (d, k, blockRows) = (objective.x.cols, objective.outputs, objective.blockRows)
            let alpha = Float(1 / Double(objective.x.rows))
            var sums = (loss: 0.0, intercept: [Double](repeating: 0, count: k))
            if range.isEmpty { for i in gradient.indices { gradient[i] = 0 } }
            let x = objective.x.values, y = objective.y
            x.withUnsafeBufferPointer { px in weights.withUnsafeBufferPointer { pw in y.withUnsafeBufferPointer { py in
                block.withUnsafeMutableBufferPointer { pz in gradient.withUnsafeMutableBufferPointer { pg in
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let rows = min(blockRows, range.upperBound - start)
                        let xb = px.baseAddress! + start * d, zb = pz.baseAddress!
                        // Row-major: Z[rows, K′] = X_block[rows, D] · Wᵀ (W stored [K′, D], transposeB).
                        sgemm(transposeB: true, m: rows, n: k, k: d, a: xb, lda: d, b: pw.baseAddress!, ldb: d, c: zb, ldc: k)
                        sums.loss += Self.residuals(zb, rows: rows, labels: py.baseAddress! + start, outputs: k,
                                                    intercept: intercept, interceptSum: &sums.intercept)
                        // Row-major: ∇W[K′, D] (+)= R_blockᵀ · X_block / n, R stored [rows, K′] (transposeA).
                        sgemm(transposeA: true, m: k, n: d, k: rows, alpha: alpha, a: zb, lda: k, b: xb, ldb: d,
                              beta: start == range.lowerBound ? 0 : 1, c: pg.baseAddress!, ldc: d)
                        start += rows
                    }
                } }
            } } }
            loss = sums.loss
            interceptGradient = sums.intercept
        }

        /// Overwrites each row's logits in `z` (`[rows, K′]`) with its residual, σ(v) − y (binary)
        /// or softmax(v) − one-hot(y), where v = z + intercept; adds the residuals to
        /// `interceptSum` and returns Σ loss. Double inside, so exp and log lose nothing to Float;
        /// accumulators are locals, not properties, so the loop pays no exclusivity checks.
        private static func residuals(_ z: UnsafeMutablePointer<Float>, rows: Int, labels: UnsafePointer<Int>,
                                      outputs k: Int, intercept: [Double], interceptSum: inout [Double]) -> Double {
            var loss = 0.0
            if k == 1 {
                let b = intercept[0]
                var sum = 0.0
                for i in 0..<rows {
                    let v = Double(z[i]) + b, yi = Double(labels[i])
                    // log(1 + e^v) − y v without overflow; residual σ(v) − y.
                    loss += (v > 0 ? v + log1p(exp(-v)) : log1p(exp(v))) - yi * v
                    let r = 1 / (1 + exp(-v)) - yi
                    z[i] = Float(r)
                    sum += r
                }
                interceptSum[0] += sum
                return loss
            }
            withUnsafeTemporaryAllocation(of: Double.self, capacity: k) { e in
                intercept.withUnsafeBufferPointer { b in interceptSum.withUnsafeMutableBufferPointer { sum in
                    for i in 0..<rows {
                        let zi = z + i * k, yi = labels[i]
                        var top = -Double.infinity
                        for c in 0..<k { e[c] = Double(zi[c]) + b[c]; top = max(top, e[c]) }
                        let shiftedTrue = e[yi] - top
                        var total = 0.0
                        for c in 0..<k { e[c] = exp(e[c] - top); total += e[c] }
                        loss += log(total) - shiftedTrue   // logsumexp(v) − v_y, both shifted by the max
                        let inverse = 1 / total
                        for c in 0..<k {
                            let r = e[c] * inverse - (c == yi ? 1 : 0)   // softmax − one-hot
                            zi[c] = Float(r)
                            sum[c] += r
                        }
                    }
                } }
            }
            return loss
        }
    }
}
