import Support
import XCTest

/// The work loops the forward and the store writer share.
final class ParallelTests: XCTestCase {
    /// Chunks handed out to free workers cover 0..<count exactly once.
    func testParallelForChunksCoverTheRangeOnce() {
        for (count, threads, chunks) in [(0, 2, 4), (1, 2, 4), (7, 2, 4), (64, 2, 4), (1000, 3, 5), (10, 1, 8)] {
            var hits = [Int](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { h in
                let base = h.baseAddress!
                parallelFor(count, threads: threads, chunksPerWorker: chunks) { r in for i in r { base[i] += 1 } }
            }
            XCTAssertEqual(hits, [Int](repeating: 1, count: count), "count \(count), threads \(threads), chunks \(chunks)")
        }
    }

    /// Tasks are each run once, also with more workers than tasks.
    func testParallelTasksRunEachIndexOnce() {
        for (count, threads) in [(0, 2), (1, 3), (5, 2), (100, 4)] {
            var hits = [Int](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { h in
                let base = h.baseAddress!
                parallelTasks(count, threads: threads) { base[$0] += 1 }
            }
            XCTAssertEqual(hits, [Int](repeating: 1, count: count), "count \(count), threads \(threads)")
        }
    }
}
