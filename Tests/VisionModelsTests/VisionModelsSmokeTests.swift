import XCTest
@testable import VisionModels
final class VisionModelsSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
