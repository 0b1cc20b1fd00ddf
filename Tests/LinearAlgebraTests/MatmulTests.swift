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

    /// sgemv with and without the transpose, a padded leading dimension, strided vectors and beta ≠ 0,
    /// against a loop written from the definition.
    func testSgemvAgreesWithNaiveLoopForBothTransposes() {
        let (m, n, lda, incx, incy) = (11, 7, 10, 2, 3)
        let a = randomMatrix(m, lda, seed: 10).values          // A [m, n] stored with row stride lda
        let x = randomMatrix(1, max(m, n) * incx, seed: 11).values
        let y0 = randomMatrix(1, max(m, n) * incy, seed: 12).values
        for transpose in [false, true] {
            let (rowsOut, rowsIn) = transpose ? (n, m) : (m, n)
            var fast = y0
            a.withUnsafeBufferPointer { pa in
                x.withUnsafeBufferPointer { px in
                    fast.withUnsafeMutableBufferPointer { py in
                        sgemv(transpose: transpose, m: m, n: n, alpha: 0.5, a: pa.baseAddress!, lda: lda,
                              x: px.baseAddress!, incx: incx, beta: -2, y: py.baseAddress!, incy: incy)
                    }
                }
            }
            var slow = y0
            for i in 0..<rowsOut {
                var s = 0.0
                for j in 0..<rowsIn {
                    let aij = transpose ? a[j * lda + i] : a[i * lda + j]
                    s += Double(aij) * Double(x[j * incx])
                }
                slow[i * incy] = Float(0.5 * s - 2 * Double(y0[i * incy]))
            }
            XCTAssertLessThan(maxRelativeError(fast, slow), 1e-5, "transpose=\(transpose)")
        }
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
