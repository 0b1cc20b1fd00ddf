import XCTest
import LinearAlgebra
import TestSupport
@testable import SinkAnalysis

final class RidgeProbeTests: XCTestCase {
    /// Coefficients and intercepts within 1e-4 of `Ridge(alpha)`, primal (n ≥ D, 3 outputs)
    /// and dual (n < D).
    func testMatchesScikitLearnRidge() throws {
        let cases = try loadCases("ridge.json", as: RidgeFixture.self)
        XCTAssertEqual(cases.count, 2)
        for (name, ref) in cases {
            let fitted = try RidgeProbe(alpha: ref.alpha).fit(ref.x.float, ref.y.double)
            assertClose(fitted.coefficients.values, ref.coef.values, absolute: 1e-4, relative: 1e-4, name)
            assertClose(fitted.intercept, ref.intercept, absolute: 1e-4, relative: 1e-4, name)
            XCTAssertEqual(try fitted.score(ref.x.float, ref.y.double).r2, ref.r2_train, accuracy: 1e-6, name)
        }
    }

    func testZeroAlphaOnCollinearFeaturesSaysToRegularise() {
        let x = Matrix(rows: 4, cols: 2, values: [1, 2, 2, 4, 3, 6, 4, 8])   // column 2 = 2 × column 1
        XCTAssertThrowsError(try RidgeProbe(alpha: 0).fit(x, [1, 2, 3, 4])) { error in
            guard case ProbeError.linearAlgebra(_, .notPositiveDefinite) = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("larger ridge alpha"))
        }
    }

    func testNegativeAlphaAndNaNTargetsAreTypedErrors() {
        let x = Matrix(rows: 3, cols: 1, values: [1, 2, 3])
        XCTAssertThrowsError(try RidgeProbe(alpha: -1).fit(x, [1, 2, 3]))
        XCTAssertThrowsError(try RidgeProbe().fit(x, [1, .nan, 3])) { error in
            XCTAssertEqual(error as? ProbeError, .nonFinite(what: "the regression targets", row: 1))
        }
    }
}
