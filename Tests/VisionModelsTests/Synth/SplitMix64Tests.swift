import XCTest

@testable import VisionModels

final class SplitMix64Tests: XCTestCase {
    func testReferenceOutputs() {
        // The first outputs of the reference C implementation (Vigna's splitmix64.c) for seed 0.
        var g = SplitMix64(seed: 0)
        XCTAssertEqual([g.next(), g.next(), g.next()], [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
    }

    func testBoundedIntsAreInRangeAndCoverIt() {
        var g = SplitMix64(seed: 42)
        var seen = Set<Int>()
        for _ in 0..<2000 {
            let v = g.int(in: -3...3)
            XCTAssertTrue((-3...3).contains(v))
            seen.insert(v)
        }
        XCTAssertEqual(seen, Set(-3...3))
    }

    func testStreamsDifferAndRepeat() {
        var a = SplitMix64(seed: 5, stream: 0), b = SplitMix64(seed: 5, stream: 1), c = SplitMix64(seed: 5, stream: 0)
        let x = a.next()
        XCTAssertNotEqual(x, b.next())
        XCTAssertEqual(x, c.next())
    }

    func testShuffleIsAPermutation() {
        var g = SplitMix64(seed: 9)
        var a = Array(0..<50)
        g.shuffle(&a)
        XCTAssertEqual(a.sorted(), Array(0..<50))
        XCTAssertNotEqual(a, Array(0..<50))
    }
}
