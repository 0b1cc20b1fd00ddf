import Support
import XCTest
import LinearAlgebra
import TestSupport
@testable import SinkAnalysis

/// The objective summed by several workers over row ranges against the one-worker sum, its
/// gradient against finite differences, and the probe's BLAS thread hand-over.
final class LogisticObjectiveRangeSumTests: XCTestCase {
    private func objective(classes: Int, workers: Int) -> (LogisticObjective, [Double]) {
        let (x, y) = blobs(classes: classes, perClass: 61, features: 7, spread: 1, seed: UInt64(10 + classes))
        var objective = LogisticObjective(x: x, y: y, classes: classes, l2: 0.02)
        objective.rowsPerBlock = 16   // several blocks per worker, the last one partial
        objective.workers = workers
        var rng = SeededGenerator(seed: 3)
        return (objective, (0..<objective.parameterCount).map { _ in rng.gaussian() * 0.4 })
    }

    private func evaluate(_ objective: LogisticObjective, _ w: [Double]) -> (Double, [Double]) {
        var grad = [Double](repeating: 0, count: w.count)
        let f = objective.evaluate(w, &grad, LogisticObjective.Workspace(objective))
        return (f, grad)
    }

    func testRowRangesPartitionTheRowsInWholeBlocks() {
        let (one, _) = objective(classes: 3, workers: 1)
        XCTAssertEqual(one.rowRanges, [0..<183])
        for workers in [2, 3, 5, 40] {
            var split = one
            split.workers = workers
            let ranges = split.rowRanges
            XCTAssertEqual(ranges.count, min(workers, 12), "183 rows are 12 blocks of 16")
            XCTAssertEqual(ranges.first?.lowerBound, 0)
            XCTAssertEqual(ranges.last?.upperBound, 183)
            for (a, b) in zip(ranges, ranges.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound) }
            for r in ranges.dropLast() { XCTAssertEqual(r.lowerBound % 16, 0); XCTAssertFalse(r.isEmpty) }
        }
    }

    /// Same objective, summed in a different order: equal to Float rounding of the partial sums.
    func testWorkersAgreeWithOneWorker() {
        let blas = BLASThreads.count
        BLASThreads.set(1)   // as `LogisticProbe.fit` runs its workers
        defer { BLASThreads.set(blas) }
        for classes in [2, 4] {
            let (single, w) = objective(classes: classes, workers: 1)
            let (f1, g1) = evaluate(single, w)
            for workers in [2, 3] {
                var split = single
                split.workers = workers
                let (f, g) = evaluate(split, w)
                XCTAssertEqual(f, f1, accuracy: 1e-6 * abs(f1), "classes \(classes), workers \(workers)")
                assertClose(g, g1, absolute: 1e-7, relative: 1e-6, "classes \(classes), workers \(workers)")
                // Deterministic: the same worker count gives the same bits.
                XCTAssertEqual(evaluate(split, w).1, g)
            }
        }
    }

    /// Central differences of f (Float products inside, so h is large and the tolerance loose).
    func testGradientMatchesFiniteDifferences() {
        for classes in [2, 4] {
            let (split, w) = objective(classes: classes, workers: 2)
            let (_, g) = evaluate(split, w)
            let h = 1e-3
            for i in stride(from: 0, to: w.count, by: 3) {
                var up = w, down = w
                up[i] += h
                down[i] -= h
                let numeric = (evaluate(split, up).0 - evaluate(split, down).0) / (2 * h)
                XCTAssertEqual(g[i], numeric, accuracy: 2e-4 + 1e-3 * abs(numeric), "classes \(classes), parameter \(i)")
            }
        }
    }

    /// The probe hands BLAS's threads to its workers and gives them back; fits agree across counts.
    func testFitRestoresBLASThreadsAndMatchesOneThread() throws {
        let (x, y) = blobs(classes: 3, perClass: 200, features: 12, spread: 1, seed: 5)   // 600 rows: several blocks
        let blas = BLASThreads.count
        defer { BLASThreads.set(blas) }
        BLASThreads.set(1)
        let one = try LogisticProbe(c: 1, maxIterations: 500, tolerance: 1e-5).fit(x, y)
        BLASThreads.set(2)
        let two = try LogisticProbe(c: 1, maxIterations: 500, tolerance: 1e-5).fit(x, y)
        XCTAssertEqual(BLASThreads.count, 2)
        XCTAssertTrue(one.converged && two.converged, "\(one.stopReason), \(two.stopReason)")
        // Both stop at max|∇| ≤ 1e-5 from slightly different rounding, not at the same point.
        XCTAssertLessThan(maxRelativeError(two.weights.values, one.weights.values), 5e-3)
        XCTAssertEqual(two.objective, one.objective, accuracy: 1e-6 * abs(one.objective))
    }
}
