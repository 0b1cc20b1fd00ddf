import ActivationStore
import XCTest

final class TokenLayoutTests: XCTestCase {
    func testInference() throws {
        XCTAssertEqual(try TokenLayout.resolve(tokens: 197, prefixTokens: nil, grid: nil, file: "f"), TokenLayout(prefixTokens: 1, grid: [14, 14]))
        XCTAssertEqual(try TokenLayout.resolve(tokens: 261, prefixTokens: 5, grid: nil, file: "f"), TokenLayout(prefixTokens: 5, grid: [16, 16]))
        XCTAssertEqual(try TokenLayout.resolve(tokens: 261, prefixTokens: nil, grid: [16, 16], file: "f"), TokenLayout(prefixTokens: 5, grid: [16, 16]))
        XCTAssertEqual(try TokenLayout.resolve(tokens: 24, prefixTokens: 0, grid: [4, 6], file: "f"), TokenLayout(prefixTokens: 0, grid: [4, 6]))
        XCTAssertThrowsError(try TokenLayout.resolve(tokens: 261, prefixTokens: nil, grid: nil, file: "f")) { XCTAssertTrue("\($0)".contains("give --prefix-tokens"), "\($0)") }
        XCTAssertThrowsError(try TokenLayout.resolve(tokens: 261, prefixTokens: 4, grid: nil, file: "f")) { XCTAssertTrue("\($0)".contains("give --grid"), "\($0)") }
        XCTAssertThrowsError(try TokenLayout.resolve(tokens: 261, prefixTokens: 1, grid: [16, 16], file: "f"))
        XCTAssertThrowsError(try TokenLayout.resolve(tokens: 1, prefixTokens: nil, grid: nil, file: "f"))
    }
}
