import LinearAlgebra
import Support
import TestSupport
import XCTest
@testable import SinkAnalysis

final class CKAMatrixTests: XCTestCase {
    func matrix(_ rows: Int, _ cols: Int, seed: Int, scale: Float = 1) -> Matrix {
        var rng = SeededGenerator(seed: UInt64(seed))
        return Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { _ in Float(rng.gaussian()) * scale })
    }

    /// The Gram form used for every pair of layers agrees with the library's pairwise CKA.
    func testGramFormAgreesWithLibraryCKA() throws {
        let x = matrix(60, 12, seed: 1)
        var y = matrix(60, 7, seed: 2)
        for i in 0..<60 { y[i, 0] += 3 * x[i, 2] }            // some shared structure
        var big = x
        big[5, 3] = 400                                          // a sink-like outlier row
        for (a, b) in [(x, y), (x, x), (big, y), (big, x)] {
            let expected = try RepresentationSimilarity.linearCKA(a, b)
            let ga = CKAMatrix.normalizedGram(a), gb = CKAMatrix.normalizedGram(b)
            let got = try XCTUnwrap(CKAMatrix.matrix([ga], [gb])[0][0])
            XCTAssertEqual(got, expected, accuracy: 1e-9)
        }
    }

    func testSymmetricMatrixHasOnesOnItsDiagonalAndNilForConstantInput() {
        let constant = Matrix(rows: 10, cols: 3, values: [Float](repeating: 2, count: 30))
        let grams = [CKAMatrix.normalizedGram(matrix(10, 3, seed: 3)), CKAMatrix.normalizedGram(constant),
                     CKAMatrix.normalizedGram(matrix(10, 5, seed: 4))]
        let m = CKAMatrix.symmetric(grams)
        XCTAssertEqual(m[0][0], 1)
        XCTAssertEqual(m[2][2], 1)
        XCTAssertNil(m[1][1])
        XCTAssertNil(m[0][1])
        XCTAssertEqual(m[0][2], m[2][0])
    }
}
