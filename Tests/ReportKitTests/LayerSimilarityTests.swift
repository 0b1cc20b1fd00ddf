import LinearAlgebra
import SinkAnalysis
import TestSupport
import XCTest
@testable import ReportKit

final class LayerSimilarityTests: XCTestCase {
    func matrix(_ rows: Int, _ cols: Int, seed: Int, scale: Float = 1) -> Matrix {
        Matrix(rows: rows, cols: cols, values: (0..<(rows * cols)).map { PlantedStore.noise(seed, 0, $0) * scale })
    }

    /// The Gram form used for every pair of layers agrees with the library's pairwise CKA.
    func testGramFormAgreesWithLibraryCKA() throws {
        let x = matrix(60, 12, seed: 1)
        var y = matrix(60, 7, seed: 2)
        for i in 0..<60 { y[i, 0] += 3 * x[i, 2] }            // some shared structure
        var big = x
        big[5, 3] = 400                                          // a sink-like outlier row
        for (a, b) in [(x, y), (x, x), (big, y), (big, x)] {
            let expected = try RepresentationSimilarity.linearCKA(a, b)
            let ga = LayerSimilarity.normalizedGram(a), gb = LayerSimilarity.normalizedGram(b)
            let got = try XCTUnwrap(LayerSimilarity.matrix([ga], [gb])[0][0])
            XCTAssertEqual(got, expected, accuracy: 1e-9)
        }
    }

    func testSymmetricMatrixHasOnesOnItsDiagonalAndNilForConstantInput() {
        let constant = Matrix(rows: 10, cols: 3, values: [Float](repeating: 2, count: 30))
        let grams = [LayerSimilarity.normalizedGram(matrix(10, 3, seed: 3)), LayerSimilarity.normalizedGram(constant),
                     LayerSimilarity.normalizedGram(matrix(10, 5, seed: 4))]
        let m = LayerSimilarity.symmetric(grams)
        XCTAssertEqual(m[0][0], 1)
        XCTAssertEqual(m[2][2], 1)
        XCTAssertNil(m[1][1])
        XCTAssertNil(m[0][1])
        XCTAssertEqual(m[0][2], m[2][0])
    }

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
