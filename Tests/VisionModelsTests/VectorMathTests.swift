import Foundation
import XCTest

@testable import VisionModels

final class VectorMathTests: XCTestCase {
    /// fastExp against Double exp on a dense grid over the range softmax and quick_gelu use.
    func testFastExpRelativeErrorIsAFewUlp() {
        var worst = 0.0
        for i in 0...70_000 {
            let x = -87 + Float(i) * 0.0025
            let ref = exp(Double(x))
            worst = max(worst, abs(Double(fastExp(x)) - ref) / ref)
        }
        XCTAssertLessThan(worst, 3e-7)
        XCTAssertEqual(fastExp(0), 1)
        XCTAssertLessThan(fastExp(-.infinity), 1e-37, "the masked-out limit is ~0")
        XCTAssertEqual(Double(fastExp(88)), exp(88.0), accuracy: exp(88.0) * 3e-7)
    }

    /// fastErf against Double erf: the absolute error that enters gelu's (1 + erf).
    func testFastErfAbsoluteErrorBelow4e7() {
        var worst = 0.0
        for i in 0...120_000 {
            let x = -6 + Float(i) * 0.0001
            worst = max(worst, abs(Double(fastErf(x)) - erf(Double(x))))
        }
        XCTAssertLessThan(worst, 4e-7)
        XCTAssertEqual(fastErf(0), 0)
        XCTAssertEqual(fastErf(-10), -1)
        XCTAssertEqual(fastErf(0.49999), -fastErf(-0.49999))
    }

    func testSum8MatchesASerialSumIncludingTails() {
        for count in [0, 1, 7, 8, 9, 257] {
            let values = (0..<count).map { Float($0) * 0.5 - 3 }
            XCTAssertEqual(values.withUnsafeBufferPointer { sum8($0.baseAddress!, count: count) }, values.reduce(0, +), accuracy: 1e-4)
        }
    }

    func testMax8FindsTheMaximumAnywhereIncludingTails() {
        for count in [1, 7, 8, 9, 17, 577] {
            for position in Set([0, count / 2, count - 1]) {
                var values = (0..<count).map { -Float($0 % 13) - 1 }
                values[position] = 5
                XCTAssertEqual(values.withUnsafeBufferPointer { max8($0.baseAddress!, count: count) }, 5, "count \(count) at \(position)")
            }
        }
    }

    /// softmaxRows against a Double softmax, on rows whose widths end in every tail length and whose
    /// logits span the range where the max shift matters; a NaN logit gives a NaN row.
    func testSoftmaxRowsMatchesDoubleSoftmax() {
        var seed: UInt64 = 7
        func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(seed >> 33) % 20001 - 10000) / 100 }
        for width in [1, 3, 8, 9, 15, 16, 577] {
            let rows = 3
            var x = (0..<(rows * width)).map { _ in next() }
            let input = x
            x.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: rows, width: width) }
            for r in 0..<rows {
                let row = input[(r * width)..<((r + 1) * width)].map(Double.init)
                let m = row.max()!, z = row.map { exp($0 - m) }.reduce(0, +)
                for j in 0..<width {
                    XCTAssertEqual(Double(x[r * width + j]), exp(row[j] - m) / z, accuracy: 1e-6, "width \(width) row \(r) column \(j)")
                }
            }
        }
        var withNaN: [Float] = [1, 2, .nan, 4, 5, 6, 7, 8, 9]
        withNaN.withUnsafeMutableBufferPointer { softmaxRows($0.baseAddress!, rows: 1, width: 9) }
        XCTAssertTrue(withNaN.allSatisfy(\.isNaN))
    }
}
