import XCTest

@testable import ReportKit

final class TokenSampleTests: XCTestCase {
    func testTokenSampleIsSeededDistinctAndSorted() {
        let a = TokenSample.make(imageCount: 100, tokens: 50, maxImages: 10, maxTokens: 200, seed: 7)
        let b = TokenSample.make(imageCount: 100, tokens: 50, maxImages: 10, maxTokens: 200, seed: 7)
        XCTAssertEqual(a, b)
        XCTAssertEqual(a.images, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90])
        XCTAssertEqual(a.picks.count, 200)
        XCTAssertEqual(Set(a.picks).count, 200)
        XCTAssertEqual(a.picks, a.picks.sorted())
        XCTAssertTrue(a.picks.allSatisfy { (0..<500).contains($0) })
        XCTAssertNotEqual(a.picks, TokenSample.make(imageCount: 100, tokens: 50, maxImages: 10, maxTokens: 200, seed: 8).picks)
        XCTAssertEqual(TokenSample.make(imageCount: 3, tokens: 4, maxImages: 10, maxTokens: 200, seed: 0).picks, Array(0..<12))
    }

    func testSampleRowsPickTheRightTokens() {
        let sample = TokenSample(images: [0, 1], picks: [1, 2], tokens: 2)   // image 0 token 1, image 1 token 0
        let hidden: [Float] = [0, 0, 1, 1, 2, 2, 3, 3]                       // [2 images, 2 tokens, D = 2]
        XCTAssertEqual(sample.rows(of: hidden, hiddenSize: 2).values, [1, 1, 2, 2])
    }
}
