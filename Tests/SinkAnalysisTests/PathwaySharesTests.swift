import Foundation
import TestSupport
import XCTest
@testable import SinkAnalysis

/// The pure parts of the pathway analysis on hand-sized inputs.
final class PathwaySharesTests: XCTestCase {
    func testGroupsAndTiedSpearman() throws {
        // One image, P = 4. Norm ranks [1, 2.5, 2.5, 4], share ranks [1, 3, 2, 4]:
        // ρ = Σ dx·dy / √(Σdx² Σdy²) = 4.5 / √(4.5 · 5) = 3 / √10.
        let shares = [0.01, 0.03, 0.02, 0.04]
        let groups: [VisualTokenGroup] = [.ordinary, .emergedSink, .ordinary, .vitSink]
        let s = try LayerAttentionShares(layer: 3, shares: shares, vitNorms: [1, 2, 2, 3], groups: groups, visualTokens: 4)
        XCTAssertEqual(s.spearman!, 3 / 10.0.squareRoot(), accuracy: 1e-12)
        XCTAssertEqual(s.ordinary.meanShare!, 0.015, accuracy: 1e-15)
        XCTAssertEqual(s.vitSinkRatio!, 0.04 / 0.015, accuracy: 1e-12)
        XCTAssertEqual(s.emergedSinkRatio!, 2, accuracy: 1e-12)
        XCTAssertEqual(s.ordinary.imageTotalShare!, 0.03, accuracy: 1e-15)
        XCTAssertThrowsError(try LayerAttentionShares(layer: 3, shares: shares, vitNorms: [1, 2], groups: groups, visualTokens: 4))
    }

    func testBucketsCutByRankWithTies() throws {
        let b = try NormBuckets(norms: [3, 1, 1, 1, 2, 5], vitSinks: [0, 0, 0, 0, 0, 1],
                                shares: [(layer: 1, values: [0.3, 0.1, 0.2, 0.3, 0.2, 0.9])], count: 3)
        // Sorted (norm, index): 1@1, 1@2, 1@3, 2@4, 3@0, 5@5 → buckets {1,2}, {3,4}, {0,5}.
        XCTAssertEqual(b.buckets.map(\.lowerNorm), [1, 1, 3])
        XCTAssertEqual(b.buckets.map(\.upperNorm), [1, 2, 5])
        assertClose(b.meanShare[0], [0.15, 0.25, 0.6], absolute: 1e-12)
        XCTAssertEqual(b.buckets.map(\.vitSinks), [0, 0, 1])
        // The remainder, as docs/lvlm.md says: ranks ⌊b·N/k⌋ ..< ⌊(b+1)·N/k⌋ (N = 10, k = 4: 2, 3, 2, 3).
        let ten = try NormBuckets(norms: (0..<10).map(Float.init), vitSinks: [UInt8](repeating: 0, count: 10), shares: [], count: 4)
        XCTAssertEqual(ten.buckets.map(\.tokens), [2, 3, 2, 3])
        XCTAssertEqual(ten.buckets.map(\.lowerNorm), [0, 2, 5, 7])
        XCTAssertThrowsError(try NormBuckets(norms: [1, 2], vitSinks: [0, 0], shares: [], count: 3)) { error in
            XCTAssertEqual("\(error)", "Pathway analysis: buckets=3 is invalid; it must be between 1 and the 2 visual tokens.")
        }
    }
}
