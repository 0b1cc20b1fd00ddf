import Dispatch
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
/// The sum over rows is split into `workers` contiguous row ranges, each summed by its own thread
/// block by block (`LogisticObjective+RangeSum.swift`); the partial sums are then added in range
/// order, so a given worker count always gives the same bits.
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

    /// Rows per block. Both products of a block are skinny (K′ outputs, often ~10), and for such
    /// shapes OpenBLAS's packing copies cost more than its multiply: profiled with 1 MiB blocks
    /// (80000 × 1024, 10 classes) the two copies took 33% of the time against 26% for the kernel.
    /// OpenBLAS 0.3.21's AVX-512 builds multiply without packing when M·N·K ≤ 10⁶ ("small
    /// matrix" kernels), so blocks are made that small, and at most 96 rows: measured on a 2-core
    /// Zen 4, 96 rows ran an evaluation 1.9x faster than 1 MiB blocks at D = 1024 (128 rows,
    /// over the limit, no faster than 1 MiB) and 1.8x faster at D = 384 (where 128–260 rows,
    /// under the limit, lost half the gain). When fewer than 16 rows would fit, blocks of ~1 MiB,
    /// so the gradient product re-reads the block from L2 cache right after the logits product.
    var blockRows: Int {
        if let rowsPerBlock { return rowsPerBlock }
        let unpackedRows = min(96, 1_000_000 / max(outputs * x.cols, 1))
        let cacheRows = max(64, (1 << 20) / max(4 * x.cols, 1))
        return max(1, min(x.rows, unpackedRows >= 16 ? unpackedRows : cacheRows))
    }
    /// Overrides `blockRows` (tests use it to cross block boundaries on small data).
    var rowsPerBlock: Int? = nil

    /// Threads summing disjoint row ranges at once. Each calls BLAS itself, so OpenBLAS must run
    /// single-threaded meanwhile (`LogisticProbe.fit` arranges that): one synchronisation per
    /// evaluation instead of two per block, which is what made OpenBLAS's own threading of these
    /// skinny products (10 outputs) scale poorly.
    var workers = 1

    /// The row ranges the workers sum, in order: whole blocks, as even as blocks allow.
    var rowRanges: [Range<Int>] {
        let n = x.rows, block = blockRows
        let blocks = (n + block - 1) / block
        let parts = max(1, min(workers, blocks))
        return (0..<parts).map { t in
            min(n, t * blocks / parts * block)..<min(n, (t + 1) * blocks / parts * block)
        }
    }

    /// Scratch buffers reused across evaluations: the Float weights `[K′, D]` and one
    /// `RangeSum` per worker.
    final class Workspace: @unchecked Sendable {   // confined to one fit call; each worker touches only its own sum
        var weights: [Float]
        let sums: [RangeSum]
        init(_ objective: LogisticObjective) {
            let (k, d) = (objective.outputs, objective.x.cols)
            weights = [Float](repeating: 0, count: k * d)
            sums = objective.rowRanges.map { _ in RangeSum(blockRows: objective.blockRows, outputs: k, features: d) }
        }
    }

    /// f at `w`; writes ∇f into `grad`.
    func evaluate(_ w: [Double], _ grad: inout [Double], _ ws: Workspace) -> Double {
        let (n, d, k) = (x.rows, x.cols, outputs)
        for i in 0..<(k * d) { ws.weights[i] = Float(w[i]) }
        let intercept = Array(w[(k * d)...])
        let ranges = rowRanges
        precondition(ranges.count == ws.sums.count, "workspace made for another worker count")
        let weights = ws.weights
        if ranges.count == 1 {
            ws.sums[0].accumulate(self, rows: ranges[0], weights: weights, intercept: intercept)
        } else {
            DispatchQueue.concurrentPerform(iterations: ranges.count) { t in
                ws.sums[t].accumulate(self, rows: ranges[t], weights: weights, intercept: intercept)
            }
        }
        // Add the partial sums in range order (deterministic), then add the penalty. The weight
        // gradients come already scaled by 1/n (sgemm's alpha), loss and intercept sums not yet.
        let scale = 1 / Double(n)
        var loss = 0.0
        for i in 0..<parameterCount { grad[i] = 0 }
        for sum in ws.sums {
            loss += sum.loss
            for i in 0..<(k * d) { grad[i] += Double(sum.gradient[i]) }
            for c in 0..<k { grad[k * d + c] += sum.interceptGradient[c] }
        }
        var penalty = 0.0
        for i in 0..<(k * d) {
            penalty += w[i] * w[i]
            grad[i] += l2 * w[i]
        }
        for c in 0..<k { grad[k * d + c] *= scale }
        return loss * scale + 0.5 * l2 * penalty
    }
}
