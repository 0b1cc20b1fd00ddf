import XCTest
import LinearAlgebra
import TestSupport
@testable import SinkAnalysis

final class CKATests: XCTestCase {
    /// Linear CKA equal to numpy's within 1e-6, in the feature-space (n > p + q) and Gram forms.
    func testLinearCKAMatchesNumpy() throws {
        let cases = try loadCases("cka.json", as: CKAFixture.self)
        XCTAssertEqual(cases.count, 2)
        for (name, ref) in cases {
            XCTAssertEqual(try RepresentationSimilarity.linearCKA(ref.x.float, ref.y.float), ref.cka, accuracy: 1e-6, name)
        }
    }

    func testCKAInvariancesAndBounds() throws {
        let (x, _) = blobs(classes: 3, perClass: 20, features: 6, seed: 9)
        XCTAssertEqual(try RepresentationSimilarity.linearCKA(x, x), 1, accuracy: 1e-9)
        var scaled = x
        for i in 0..<scaled.values.count { scaled.values[i] = 3 * scaled.values[i] + 1 }
        XCTAssertEqual(try RepresentationSimilarity.linearCKA(x, scaled), 1, accuracy: 1e-6)
        XCTAssertThrowsError(try RepresentationSimilarity.linearCKA(x, Matrix(zeros: 59, 2)))
        XCTAssertThrowsError(try RepresentationSimilarity.linearCKA(x, Matrix(zeros: 60, 2))) { error in
            guard case ProbeError.invalidParameter = error else { return XCTFail("\(error)") }
        }
    }

    func testCosineOfMeans() throws {
        let a = Matrix(rows: 2, cols: 2, values: [1, 0, 3, 0])    // mean (2, 0)
        let b = Matrix(rows: 1, cols: 2, values: [1, 1])
        XCTAssertEqual(try RepresentationSimilarity.cosineOfMeans(a, b), 1 / 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertThrowsError(try RepresentationSimilarity.cosineOfMeans(a, Matrix(zeros: 0, 2))) { error in
            XCTAssertEqual(error as? ProbeError, .emptyGroup(name: "second group"))
        }
    }
}
