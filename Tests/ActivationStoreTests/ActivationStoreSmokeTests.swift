import XCTest
@testable import ActivationStore
final class ActivationStoreSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
