import XCTest
@testable import SinkScopeCLI
final class SinkScopeCLISmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
