import XCTest
import TestSupport
@testable import LinearAlgebra

final class SymmetricEigenTests: XCTestCase {
    func testEigenReconstructsInputAndMatchesJacobi() throws {
        let a = randomSPD(24, seed: 11)
        let (w, v) = try symmetricEigen(a)
        XCTAssertEqual(w, w.sorted(), "ascending")
        let back = matmul(matmul(v, diagonal(w)), v, transposeB: true)
        XCTAssertLessThan(relativeError(back, a), 1e-4)
        XCTAssertLessThan(relativeError(matmul(v, v, transposeA: true), MatrixD(identity: 24)), 1e-10)
        let (wj, _) = jacobiEigen(a)
        assertClose(w, wj, absolute: 1e-9, relative: 1e-10)
    }

    func testFloatEigenReconstructsInput() throws {
        let a = randomSPD(16, seed: 12).float
        let (w, v) = try symmetricEigen(a)
        let vd = v.double
        let back = matmul(matmul(vd, diagonal(w.map(Double.init))), vd, transposeB: true)
        XCTAssertLessThan(relativeError(back, a.double), 1e-4)
    }

    func testLargestKMatchesTopOfFullDecomposition() throws {
        let a = randomSPD(30, seed: 13)
        let full = try symmetricEigen(a)
        let top = try symmetricEigen(a, largest: 5)
        XCTAssertEqual(top.vectors.rows, 30); XCTAssertEqual(top.vectors.cols, 5)
        assertClose(top.values, Array(full.values[25...]), absolute: 1e-9, relative: 1e-11)
        for j in 0..<5 {   // same vectors up to sign
            let dot = zip(top.vectors.column(j), full.vectors.column(25 + j)).reduce(0.0) { $0 + $1.0 * $1.1 }
            XCTAssertEqual(abs(dot), 1, accuracy: 1e-9)
        }
        XCTAssertThrowsError(try symmetricEigen(a, largest: 31))
    }

    func testNonSquareAndNaNAreTypedErrors() {
        XCTAssertThrowsError(try symmetricEigen(MatrixD(zeros: 2, 3))) { error in
            XCTAssertEqual(error as? LinearAlgebraError,
                           .shapeMismatch(operation: "symmetricEigen", expected: "a square matrix", got: "2x3"))
        }
        var bad = MatrixD(identity: 3); bad[1, 2] = .nan
        XCTAssertThrowsError(try symmetricEigen(bad)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .nonFinite(operation: "symmetricEigen"))
            XCTAssertTrue("\(error)".contains("NaN"))
        }
    }
}

final class SVDTests: XCTestCase {
    func testSVDReconstructsTallAndWideInputs() throws {
        for (m, n) in [(31, 12), (9, 27)] {
            let a = randomMatrixD(m, n, seed: UInt64(m * 100 + n))
            let (u, s, vt) = try svd(a)
            let r = min(m, n)
            XCTAssertEqual(u.rows, m); XCTAssertEqual(u.cols, r); XCTAssertEqual(vt.rows, r); XCTAssertEqual(vt.cols, n)
            XCTAssertEqual(s, s.sorted(by: >))
            let back = matmul(matmul(u, diagonal(s)), vt)
            XCTAssertLessThan(relativeError(back, a), 1e-4, "\(m)x\(n)")
            assertClose(s, jacobiSingularValues(a), absolute: 1e-9, relative: 1e-10)
        }
    }

    func testFloatSVDReconstructsInput() throws {
        let a = randomMatrix(20, 14, seed: 21)
        let (u, s, vt) = try svd(a)
        let back = matmul(matmul(u.double, diagonal(s.map(Double.init))), vt.double)
        XCTAssertLessThan(relativeError(back, a.double), 1e-4)
    }

    func testSVDRejectsInfinity() {
        var a = randomMatrixD(4, 4, seed: 1); a[0, 0] = .infinity
        XCTAssertThrowsError(try svd(a)) { XCTAssertEqual($0 as? LinearAlgebraError, .nonFinite(operation: "svd")) }
    }
}

final class CholeskyTests: XCTestCase {
    func testCholeskySolveMatchesNaiveAndSolves() throws {
        let a = randomSPD(20, seed: 31)
        let b = randomMatrixD(20, 3, seed: 32)
        let x = try choleskySolve(a, b)
        XCTAssertLessThan(relativeError(x, try naiveCholeskySolve(a, b)), 1e-10)
        XCTAssertLessThan(relativeError(matmul(a, x), b), 1e-10)
    }

    func testNonPositiveDefiniteGivesTypedError() {
        // Eigenvalues 3 and −1: symmetric but indefinite; LAPACK fails at the 2nd leading minor.
        let a = MatrixD(rows: 2, cols: 2, values: [1, 2, 2, 1])
        let b = MatrixD(rows: 2, cols: 1, values: [1, 1])
        XCTAssertThrowsError(try choleskySolve(a, b)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(routine: "dposv", order: 2))
            XCTAssertTrue("\(error)".contains("not positive definite"))
        }
        XCTAssertThrowsError(try naiveCholeskySolve(a, b)) { error in
            XCTAssertEqual(error as? LinearAlgebraError, .notPositiveDefinite(routine: "naiveCholesky", order: 2))
        }
    }

    func testShapeMismatchIsTypedError() {
        XCTAssertThrowsError(try choleskySolve(MatrixD(identity: 3), MatrixD(zeros: 2, 1))) { error in
            guard case LinearAlgebraError.shapeMismatch = error else { return XCTFail("\(error)") }
        }
    }
}

final class QRTests: XCTestCase {
    func testOrthonormalBasisMatchesGramSchmidtUpToSign() throws {
        let a = randomMatrix(50, 6, seed: 41)
        let q = try orthonormalBasis(a)
        let ref = gramSchmidtBasis(a)
        let qtq = matmul(q.double, q.double, transposeA: true)
        XCTAssertLessThan(relativeError(qtq, MatrixD(identity: 6)), 1e-5)
        for j in 0..<6 {   // Householder and Gram–Schmidt agree up to the sign of each column
            let s: Float = q[0, j] * ref[0, j] >= 0 ? 1 : -1
            assertClose(q.column(j).map { $0 * s }, ref.column(j), absolute: 1e-5, relative: 1e-4)
        }
        XCTAssertThrowsError(try orthonormalBasis(Matrix(zeros: 2, 3)))
    }
}

final class ColumnMajorFactorizationTests: XCTestCase {
    /// The column-major buffer of an m × n matrix is the row-major buffer of its transpose.
    func testColumnMajorQRMatchesRowMajorQR() throws {
        let a = randomMatrix(40, 5, seed: 51)
        var buffer = a.transposed.values
        try buffer.withUnsafeMutableBufferPointer { try orthonormalizeColumns(rows: 40, cols: 5, $0.baseAddress!) }
        let q = Matrix(rows: 5, cols: 40, values: buffer).transposed
        let reference = try orthonormalBasis(a)
        for j in 0..<5 {
            let s: Float = q[0, j] * reference[0, j] >= 0 ? 1 : -1
            assertClose(q.column(j).map { $0 * s }, reference.column(j), absolute: 1e-5, relative: 1e-4)
        }
    }

    /// P L spans the same columns as A: A = (P L) U, so projecting A onto span(P L) recovers it,
    /// and P L has a unit entry in each column (from L's diagonal).
    func testLUNormalizationKeepsTheColumnSpace() throws {
        let a = randomMatrix(30, 4, seed: 52)
        var buffer = a.transposed.values
        try buffer.withUnsafeMutableBufferPointer { try luNormalizeColumns(rows: 30, cols: 4, $0.baseAddress!) }
        let pl = Matrix(rows: 4, cols: 30, values: buffer).transposed
        let basis = try orthonormalBasis(pl).double
        let projected = matmul(basis, matmul(basis, a.double, transposeA: true))
        XCTAssertLessThan(relativeError(projected, a.double), 1e-5)
        for j in 0..<4 {
            XCTAssertTrue(pl.column(j).contains(1), "column \(j) holds L's unit diagonal")
            XCTAssertLessThanOrEqual(pl.column(j).map(abs).max()!, 1 + 1e-6, "partial pivoting bounds |L| by 1")
        }
        XCTAssertThrowsError(try [Float](repeating: 0, count: 6).withUnsafeBufferPointer { p in
            var copy = Array(p)
            try copy.withUnsafeMutableBufferPointer { try luNormalizeColumns(rows: 2, cols: 3, $0.baseAddress!) }
        })
    }
}
