import CVectorMath
import Foundation
import XCTest

@testable import VisionModels

/// CVectorMath's kernels against Double references, on the baseline path and (where the CPU has
/// AVX2 and FMA) on the vector path: both must meet the same bounds.
final class VectorMathTests: XCTestCase {
    override func tearDown() { ss_force_baseline(0) }

    /// Runs `body` once per path this CPU can take, naming the path.
    func onEveryPath(_ body: (String) throws -> Void) rethrows {
        let automatic = vectorMathPath
        for forced in automatic == "baseline" ? [true] : [false, true] {
            ss_force_baseline(forced ? 1 : 0)
            try body(vectorMathPath)
        }
        ss_force_baseline(0)
    }

    func testThePathIsNamedAndCanBeForcedToTheBaseline() {
        XCTAssertTrue(["avx2+fma", "baseline"].contains(vectorMathPath), vectorMathPath)
        ss_force_baseline(1)
        XCTAssertEqual(vectorMathPath, "baseline")
    }

    /// exp against Double exp on a dense grid over the range softmax and quick_gelu use.
    func testExpRelativeErrorIsAFewUlp() {
        let x = (0...70_000).map { -87 + Float($0) * 0.0025 } + [0, -.infinity, 88, .nan]
        onEveryPath { path in
            var y = [Float](repeating: 0, count: x.count)
            ss_exp(x, &y, x.count)
            var worst = 0.0
            for i in 0...70_000 { let ref = exp(Double(x[i])); worst = max(worst, abs(Double(y[i]) - ref) / ref) }
            XCTAssertLessThan(worst, 3e-7, path)
            let n = x.count
            XCTAssertEqual(y[n - 4], 1, path)
            XCTAssertLessThan(y[n - 3], 1e-37, "\(path): the masked-out limit is ~0")
            XCTAssertEqual(Double(y[n - 2]), exp(88.0), accuracy: exp(88.0) * 3e-7, path)
            XCTAssertTrue(y[n - 1].isNaN, "\(path): NaN in, NaN out")
        }
    }

    /// erf against Double erf: the absolute error that enters gelu's (1 + erf).
    func testErfAbsoluteErrorBelow4e7() {
        let x = (0...120_000).map { -6 + Float($0) * 0.0001 } + [0, -10, 0.49999, -0.49999]
        onEveryPath { path in
            var y = [Float](repeating: 0, count: x.count)
            ss_erf(x, &y, x.count)
            var worst = 0.0
            for i in 0...120_000 { worst = max(worst, abs(Double(y[i]) - erf(Double(x[i])))) }
            XCTAssertLessThan(worst, 4e-7, path)
            let n = x.count
            XCTAssertEqual(y[n - 4], 0, path)
            XCTAssertEqual(y[n - 3], -1, path)
            XCTAssertEqual(y[n - 2], -y[n - 1], "\(path): odd")
        }
    }

    /// Every activation against its Double definition (libm's erf, tanh, exp), over counts that end in
    /// every vector tail length.
    func testActivationsMatchTheirDoubleDefinitions() {
        onEveryPath { path in
            for activation in Activation.allCases {
                for count in [1, 7, 8, 9, 17, 1000] {
                    let x = (0..<count).map { Float($0) * 24 / Float(count) - 12 }
                    var y = x
                    activation.apply(&y, count: count)
                    for i in 0..<count {
                        let ref = activation.reference(x[i])
                        XCTAssertEqual(y[i], ref, accuracy: 2e-6 * max(1, abs(ref)), "\(path) \(activation) x = \(x[i])")
                    }
                }
            }
        }
    }

    /// softmaxRows against a Double softmax, on rows whose widths end in every tail length and whose
    /// logits span the range where the max shift matters, with and without the fused column sums; a
    /// NaN logit gives a NaN row.
    func testSoftmaxRowsMatchesDoubleSoftmaxAndItsColumnSums() {
        var seed: UInt64 = 7
        func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(seed >> 33) % 20001 - 10000) / 100 }
        onEveryPath { path in
            for width in [1, 3, 8, 9, 15, 16, 577] {
                let rows = 3, weight: Float = 0.25
                var x = (0..<(rows * width)).map { _ in next() }
                let input = x
                var fused = x
                var received = (0..<width).map { Float($0 % 3) * 0.5 }   // added to, not overwritten
                x.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: rows, width: width) }
                fused.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: rows, width: width, received: &received, receivedWeight: weight) }
                var columns = [Double](repeating: 0, count: width)
                for r in 0..<rows {
                    let row = input[(r * width)..<((r + 1) * width)].map(Double.init)
                    let m = row.max()!, z = row.map { exp($0 - m) }.reduce(0, +)
                    for j in 0..<width {
                        let p = exp(row[j] - m) / z
                        columns[j] += p
                        XCTAssertEqual(Double(x[r * width + j]), p, accuracy: 1e-6, "\(path) width \(width) row \(r) column \(j)")
                        XCTAssertEqual(fused[r * width + j], x[r * width + j], accuracy: 1e-7, "\(path): the fused pass scales alike")
                    }
                }
                for j in 0..<width {
                    XCTAssertEqual(Double(received[j]), Double(j % 3) * 0.5 + Double(weight) * columns[j], accuracy: 1e-5, "\(path) width \(width) column \(j)")
                }
            }
            var withNaN: [Float] = [1, 2, .nan, 4, 5, 6, 7, 8, 9]
            withNaN.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: 1, width: 9) }
            XCTAssertTrue(withNaN.allSatisfy(\.isNaN), path)
        }
    }

    /// layerNorm (ss_layer_norm) against the Double definition, on widths that end in every tail length
    /// and on rows far from zero (mean 1000, spread 1), where a Float sum of the row would lose the
    /// variance; in place (y = x) it gives the same values.
    func testLayerNormMatchesDoubleDefinitionOnEveryTailAndFarFromZero() {
        var seed: UInt64 = 11
        func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(seed >> 33) % 20001 - 10000) / 10000 }
        onEveryPath { path in
            for width in [1, 7, 8, 9, 17, 384, 1025] {
                for offset: Float in [0, 1000] {
                    let rows = 3
                    let x = (0..<(rows * width)).map { _ in offset + next() }
                    let gamma = (0..<width).map { _ in 1 + next() }, beta = (0..<width).map { _ in next() }
                    var y = [Float](repeating: .nan, count: x.count)
                    layerNorm(&y, x, gamma: gamma, beta: beta, rows: rows, width: width, eps: 1e-6)
                    let ref = naiveLayerNorm(x, gamma: gamma, beta: beta, rows: rows, width: width, eps: 1e-6)
                    // Far from zero, x − mean itself is exact only to Float's spacing at 1000 (6e-5).
                    let bound: Float = offset == 0 ? 2e-6 : 3e-4
                    for i in 0..<x.count {
                        XCTAssertEqual(y[i], ref[i], accuracy: bound * max(1, abs(ref[i])), "\(path) width \(width) offset \(offset) index \(i)")
                    }
                    var inPlace = x
                    inPlace.withUnsafeMutableBufferPointer { layerNorm($0.baseAddress!, $0.baseAddress!, gamma: gamma, beta: beta, rows: rows, width: width, eps: 1e-6) }
                    XCTAssertEqual(inPlace, y, "\(path) width \(width): in place")
                }
            }
        }
    }
}
