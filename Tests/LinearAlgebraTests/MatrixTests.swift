import XCTest
@testable import LinearAlgebra

final class MatrixTests: XCTestCase {
    func testRowMajorIndexingRowAndTranspose() {
        let m = Matrix(rows: 2, cols: 3, values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(m[1, 0], 4)
        XCTAssertEqual(Array(m.row(1)), [4, 5, 6])
        XCTAssertEqual(m.column(2), [3, 6])
        XCTAssertEqual(m.transposed, Matrix(rows: 3, cols: 2, values: [1, 4, 2, 5, 3, 6]))
        XCTAssertEqual(m.rows([1, 0]).values, [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(m.double.float, m)
    }

    func testCheckingInitRejectsWrongCount() {
        XCTAssertThrowsError(try Matrix(rows: 2, cols: 2, checking: [1, 2, 3])) { error in
            guard case LinearAlgebraError.shapeMismatch = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("2x2"))
        }
        XCTAssertThrowsError(try MatrixD(rows: 1, cols: 2, checking: [1]))
    }

    func testNonFiniteIsDetected() {
        XCTAssertFalse(Matrix(rows: 1, cols: 2, values: [1, .nan]).isFinite)
        XCTAssertTrue(MatrixD(identity: 3).isFinite)
    }
}
