import XCTest

@testable import VisionModels

/// The pieces a projection is cut into for the workers, and the projection computed from them.
final class GEMMSplitTests: XCTestCase {
    /// Every cell of y lies in exactly one piece.
    private func assertTiles(_ split: GEMMSplit, rows m: Int, columns n: Int, file: StaticString = #filePath, line: UInt = #line) {
        var covered = [Int](repeating: 0, count: m * n)
        for p in split.pieces {
            XCTAssertFalse(p.rows.isEmpty || p.columns.isEmpty, "empty piece \(p)", file: file, line: line)
            for r in p.rows { for c in p.columns { covered[r * n + c] += 1 } }
        }
        XCTAssertEqual(Set(covered), [1], "M \(m), N \(n): pieces \(split.pieces)", file: file, line: line)
    }

    func testOneWorkerGetsTheWholeProduct() {
        XCTAssertEqual(GEMMSplit(rows: 2308, columns: 4096, threads: 1).pieces, [.init(rows: 0..<2308, columns: 0..<4096)])
    }

    /// CLIP-L/336 at batch 4 (M = 4 × 577): two row blocks on 16-row edges, then a 288-row tail in
    /// four column pieces of 256.
    func testCLIPLBatchHasRowBlocksAndAColumnCutTail() {
        let split = GEMMSplit(rows: 2308, columns: 1024, threads: 2)
        XCTAssertEqual(split.pieces.map(\.rows), [0..<1008, 1008..<2020, 2020..<2308, 2020..<2308, 2020..<2308, 2020..<2308])
        XCTAssertEqual(split.pieces.map(\.columns), [0..<1024, 0..<1024, 0..<256, 256..<512, 512..<768, 768..<1024])
        assertTiles(split, rows: 2308, columns: 1024)
    }

    /// Too few rows or columns for a tail: equal row blocks only; odd sizes and more workers than
    /// rows still tile y.
    func testSmallAndOddShapesStillTileTheOutput() {
        XCTAssertEqual(GEMMSplit(rows: 100, columns: 4096, threads: 2).pieces.count, 2)   // 100 / 8 < 16 rows of tail
        XCTAssertEqual(GEMMSplit(rows: 2308, columns: 100, threads: 2).pieces.count, 2)   // 100 columns: < 2 pieces of 64
        for (m, n, threads) in [(1, 1, 2), (3, 5, 4), (257, 384, 2), (2056, 1536, 2), (1000, 130, 3), (577, 1024, 8), (17, 2000, 2)] {
            assertTiles(GEMMSplit(rows: m, columns: n, threads: threads), rows: m, columns: n)
        }
    }

    /// A projection cut into pieces (with a tail) equals the naive product exactly, with and without
    /// bias, also as a column block of a wider output (small integers / 4 are exact in f32).
    func testLinearFromPiecesEqualsTheNaiveProduct() {
        let m = 300, k = 6, n = 200, wide = 230
        var seed: UInt64 = 7
        func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(seed >> 40) % 17 - 8) / 4 }
        let x = (0..<(m * k)).map { _ in next() }, w = (0..<(n * k)).map { _ in next() }, b = (0..<n).map { _ in next() }
        XCTAssertGreaterThan(GEMMSplit(rows: m, columns: n, threads: 2).pieces.count, 2, "the shape must have a tail")
        for bias in [b, nil] {
            let weights = LinearWeights(weight: ParameterValues(w), bias: bias, outputs: n, inputs: k)
            var y = [Float](repeating: .nan, count: m * wide)
            y.withUnsafeMutableBufferPointer { yp in
                x.withUnsafeBufferPointer { xp in linear(yp.baseAddress! + 10, xp.baseAddress!, weights, rows: m, threads: 2, ldy: wide) }
            }
            let expected = naiveLinear(x, weight: w, bias: bias, m: m, k: k, n: n)
            for r in 0..<m {
                XCTAssertEqual(Array(y[(r * wide + 10)..<(r * wide + 10 + n)]), Array(expected[(r * n)..<((r + 1) * n)]), "row \(r)")
                XCTAssertTrue(y[(r * wide)..<(r * wide + 10)].allSatisfy(\.isNaN), "row \(r): columns left of the block were written")
                XCTAssertTrue(y[(r * wide + 10 + n)..<((r + 1) * wide)].allSatisfy(\.isNaN), "row \(r): columns right of the block were written")
            }
        }
    }
}
