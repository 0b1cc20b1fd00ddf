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
}
