import XCTest
@testable import SinkAnalysis
final class SinkAnalysisSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
