import XCTest
@testable import ReportKit
final class ReportKitSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
