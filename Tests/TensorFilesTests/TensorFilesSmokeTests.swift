import XCTest
@testable import TensorFiles
final class TensorFilesSmokeTests: XCTestCase {
    func testModuleLoads() { XCTAssertTrue(true) }
}
