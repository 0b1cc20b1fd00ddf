import Dispatch
import Synchronization

/// Runs `body` on contiguous chunks of 0..<count with at most `threads` workers at once, or inline
/// when one worker is enough. Chunks are disjoint, so bodies may write to disjoint rows of a shared
/// buffer without locks.
///
/// With `chunksPerWorker` 1 each worker takes one equal chunk. More chunks per worker are handed out
/// in order to whichever worker is free: on a shared host the two cores of a 2-vCPU machine often
/// run 5–10% apart for seconds at a time (measured with identical sgemms on both), and with one
/// chunk each the faster worker then waits at the end of every step.
public func parallelFor(_ count: Int, threads: Int, chunksPerWorker: Int = 1, _ body: (Range<Int>) -> Void) {
    parallelForWorkers(count, threads: threads, chunksPerWorker: chunksPerWorker) { chunk, _ in body(chunk) }
}

/// `parallelFor` that also tells each chunk which worker runs it: an index in
/// 0..<min(threads, count), never held by two chunks at once. A step that needs scratch memory
/// allocates one slice per worker once, instead of one buffer per chunk (fresh memory costs a page
/// fault per 4 KiB on first touch, and a forward makes hundreds of such steps).
public func parallelForWorkers(
    _ count: Int, threads: Int, chunksPerWorker: Int = 1, _ body: (_ chunk: Range<Int>, _ worker: Int) -> Void
) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
        body(0..<count, 0)
        return
    }
    let chunks = min(count, workers * max(1, chunksPerWorker))
    runOnWorkers(chunks, workers: workers) { c, worker in body((count * c / chunks)..<(count * (c + 1) / chunks), worker) }
}

/// Runs `body(i)` for every i in 0..<count on at most `threads` workers, each taking the next
/// unclaimed index when it is free (so in order of i, the first `threads` at once).
public func parallelTasks(_ count: Int, threads: Int, _ body: (Int) -> Void) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
        for i in 0..<count { body(i) }
        return
    }
    runOnWorkers(count, workers: workers) { i, _ in body(i) }
}

/// `body(task, worker)` for every task in 0..<count on `workers` (≥ 2) workers, each claiming the
/// next unclaimed task when it is free.
private func runOnWorkers(_ count: Int, workers: Int, _ body: (_ task: Int, _ worker: Int) -> Void) {
    let next = Atomic<Int>(0)
    withoutActuallyEscaping(body) { body in
        // concurrentPerform wants a @Sendable closure. The body only touches disjoint parts of
        // buffers that outlive this call (concurrentPerform returns after every worker finished),
        // which is the guarantee Sendable would give; the box states that we checked it.
        let box = UncheckedSendableBox(body)
        // One iteration per worker (not per task), so no more than `threads` run at once even where
        // Dispatch's pool is wider; each worker claims tasks until none is left.
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            while true {
                let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard i < count else { return }
                box.value(i, worker)
            }
        }
    }
}

private struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
