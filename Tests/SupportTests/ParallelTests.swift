import Foundation
import Support
import Synchronization
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

    /// Worker indices lie in 0..<min(threads, count), and no index is held by two chunks at once, so
    /// a chunk may use its worker's slice of a shared scratch buffer.
    func testParallelForWorkersGivesEachRunningChunkItsOwnWorker() {
        for (count, threads, chunks) in [(1, 2, 4), (7, 2, 4), (64, 2, 4), (200, 3, 5), (10, 1, 8)] {
            let running = Mutex<Set<Int>>([])
            let clashes = Atomic<Int>(0), outOfRange = Atomic<Int>(0)
            var hits = [Int](repeating: 0, count: count)
            hits.withUnsafeMutableBufferPointer { h in
                let base = h.baseAddress!
                parallelForWorkers(count, threads: threads, chunksPerWorker: chunks) { r, worker in
                    if !(0..<min(threads, count)).contains(worker) { outOfRange.add(1, ordering: .relaxed) }
                    if !running.withLock({ $0.insert(worker).inserted }) { clashes.add(1, ordering: .relaxed) }
                    usleep(200)   // long enough for the other workers to be inside a chunk too
                    for i in r { base[i] += 1 }
                    _ = running.withLock { $0.remove(worker) }
                }
            }
            let label = "count \(count), threads \(threads), chunks \(chunks)"
            XCTAssertEqual(hits, [Int](repeating: 1, count: count), label)
            XCTAssertEqual(clashes.load(ordering: .relaxed), 0, "a worker index ran two chunks at once: " + label)
            XCTAssertEqual(outOfRange.load(ordering: .relaxed), 0, "a worker index outside 0..<workers: " + label)
        }
    }
}
