import Support
import XCTest

/// The median moved to Support so the detectors and the benchmarks share it.
final class MedianTests: XCTestCase {
    func testOddEvenAndEmpty() {
        XCTAssertEqual(median([3.0, 1, 2]), 2)
        XCTAssertEqual(median([4.0, 1, 3, 2]), 2.5)
        XCTAssertTrue(median([Double]()).isNaN)
        XCTAssertEqual(median([Float(5), -1, 7, 2][...].dropFirst()), 2)   // any Float collection: [-1, 7, 2]
        XCTAssertTrue(median([Float]()).isNaN)
    }
}
