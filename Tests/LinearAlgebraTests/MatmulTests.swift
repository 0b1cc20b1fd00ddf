import XCTest
import TestSupport
@testable import LinearAlgebra

final class MatmulTests: XCTestCase {
    /// Every transpose combination, odd sizes, against the reference loop.
    func testMatmulAgreesWithNaiveLoopForAllTransposes() {
        let (m, n, k) = (37, 23, 51)
        for ta in [false, true] {
            for tb in [false, true] {
                let a = ta ? randomMatrix(k, m, seed: 1) : randomMatrix(m, k, seed: 1)
                let b = tb ? randomMatrix(n, k, seed: 2) : randomMatrix(k, n, seed: 2)
                let fast = matmul(a, b, transposeA: ta, transposeB: tb, alpha: 0.5)
                let slow = naiveMatmul(a, b, transposeA: ta, transposeB: tb, alpha: 0.5)
                XCTAssertEqual(fast.rows, m); XCTAssertEqual(fast.cols, n)
                XCTAssertLessThan(maxRelativeError(fast.values, slow.values), 1e-5, "ta=\(ta) tb=\(tb)")
            }
        }
    }

    func testDoubleMatmulAgreesWithNaiveLoop() {
        let a = randomMatrixD(19, 7, seed: 3), b = randomMatrixD(11, 7, seed: 4)
        let fast = matmul(a, b, transposeB: true)
        let slow = naiveMatmul(a, b, transposeB: true)
        XCTAssertLessThan(relativeError(fast, slow), 1e-13)
    }

    /// The pointer API with leading dimensions larger than the logical width and beta ≠ 0.
    func testLowLevelSgemmWithStridesAndBeta() {
        let (m, n, k) = (9, 6, 5)
        let lda = k + 3, ldb = k + 2, ldc = n + 4     // A [m, k] in lda, B stored [n, k] (transposeB), C [m, n]
        let a = randomMatrix(m, lda, seed: 5).values
        let b = randomMatrix(n, ldb, seed: 6).values
        let c0 = randomMatrix(m, ldc, seed: 7).values
        var fast = c0, slow = c0
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                fast.withUnsafeMutableBufferPointer { pc in
                    sgemm(transposeB: true, m: m, n: n, k: k, alpha: 2, a: pa.baseAddress!, lda: lda,
                          b: pb.baseAddress!, ldb: ldb, beta: -0.5, c: pc.baseAddress!, ldc: ldc)
                }
                slow.withUnsafeMutableBufferPointer { pc in
                    naiveSgemm(transposeB: true, m: m, n: n, k: k, alpha: 2, a: pa.baseAddress!, lda: lda,
                               b: pb.baseAddress!, ldb: ldb, beta: -0.5, c: pc.baseAddress!, ldc: ldc)
                }
            }
        }
        XCTAssertLessThan(maxRelativeError(fast, slow), 1e-5)
        // Padding columns of C (beyond n) are untouched.
        for r in 0..<m { for c in n..<ldc { XCTAssertEqual(fast[r * ldc + c], c0[r * ldc + c]) } }
    }

    func testGramMatchesTransposedProduct() {
        let a = randomMatrixD(40, 13, seed: 8)
        XCTAssertLessThan(relativeError(gram(a), naiveMatmul(a, a, transposeA: true)), 1e-13)
    }

    func testSsyrkFillsUpperTriangleOfAtA() {
        let a = randomMatrix(30, 8, seed: 9)
        var c = [Float](repeating: 0, count: 64)
        a.values.withUnsafeBufferPointer { pa in
            c.withUnsafeMutableBufferPointer { pc in
                ssyrkTransposed(n: 8, k: 30, a: pa.baseAddress!, lda: 8, c: pc.baseAddress!, ldc: 8)
            }
        }
        let ref = naiveMatmul(a, a, transposeA: true)
        for r in 0..<8 { for col in r..<8 { XCTAssertEqual(c[r * 8 + col], ref[r, col], accuracy: 1e-4) } }
    }

    func testThreadCountCanBeSet() {
        let before = BLASThreads.count
        BLASThreads.set(1)
        XCTAssertEqual(BLASThreads.count, 1)
        BLASThreads.set(before)
        XCTAssertEqual(BLASThreads.count, before)
    }
}
