import Support
import XCTest
import LinearAlgebra
import TestSupport
@testable import SinkAnalysis

/// The blocked sgemm loss/gradient against a readable Double reference loop.
final class LogisticObjectiveTests: XCTestCase {
    /// Reference: f = (1/n) Σ loss + l2/2 ‖W‖², gradient by the same formulas, plain loops.
    func naive(_ x: Matrix, _ y: [Int], classes: Int, l2: Double, _ w: [Double]) -> (Double, [Double]) {
        let (n, d) = (x.rows, x.cols)
        let k = classes == 2 ? 1 : classes
        var loss = 0.0
        var grad = [Double](repeating: 0, count: k * (d + 1))
        for i in 0..<n {
            var z = (0..<k).map { c in (0..<d).reduce(w[k * d + c]) { $0 + w[c * d + $1] * Double(x[i, $1]) } }
            var r = [Double](repeating: 0, count: k)
            if k == 1 {
                loss += log(1 + exp(z[0])) - Double(y[i]) * z[0]
                r[0] = 1 / (1 + exp(-z[0])) - Double(y[i])
            } else {
                let top = z.max()!
                z = z.map { exp($0 - top) }
                let total = z.reduce(0, +)
                loss += log(total) - log(z[y[i]])
                for c in 0..<k { r[c] = z[c] / total - (c == y[i] ? 1 : 0) }
            }
            for c in 0..<k {
                for j in 0..<d { grad[c * d + j] += r[c] * Double(x[i, j]) / Double(n) }
                grad[k * d + c] += r[c] / Double(n)
            }
        }
        var penalty = 0.0
        for i in 0..<(k * d) { penalty += w[i] * w[i]; grad[i] += l2 * w[i] }
        return (loss / Double(n) + 0.5 * l2 * penalty, grad)
    }

    func testBlockedEvaluationMatchesReferenceLoop() {
        for classes in [2, 4] {
            let (x, y) = blobs(classes: classes, perClass: 37, features: 6, seed: UInt64(classes))
            var objective = LogisticObjective(x: x, y: y, classes: classes, l2: 0.01)
            objective.rowsPerBlock = 16   // several blocks, the last one partial
            var rng = SeededGenerator(seed: 7)
            let w = (0..<objective.parameterCount).map { _ in rng.gaussian() * 0.3 }
            let workspace = LogisticObjective.Workspace(objective)
            var grad = [Double](repeating: 0, count: w.count)
            let f = objective.evaluate(w, &grad, workspace)
            let (refF, refGrad) = naive(x, y, classes: classes, l2: 0.01, w)
            XCTAssertEqual(f, refF, accuracy: 1e-5 * abs(refF))
            assertClose(grad, refGrad, absolute: 1e-5, relative: 1e-4, "classes \(classes)")
        }
    }
}
