import XCTest
@testable import LinearAlgebra
final class LinearAlgebraSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
