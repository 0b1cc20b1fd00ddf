import Dispatch

/// Runs `body` on `threads` contiguous chunks of 0..<count at once (one chunk per worker), or
/// inline when one worker is enough. Chunks are disjoint, so bodies may write to disjoint rows of
/// a shared buffer without locks.
func parallelFor(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    let workers = max(1, min(threads, count))
    if workers == 1 {
        body(0..<count)
        return
    }
    withoutActuallyEscaping(body) { body in
        // concurrentPerform wants a @Sendable closure. The body only touches disjoint chunks of
        // buffers that outlive this call (concurrentPerform returns after every worker finished),
        // which is the guarantee Sendable would give; the box states that we checked it.
        let box = UncheckedSendableBox(body)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            box.value((count * w / workers)..<(count * (w + 1) / workers))
        }
    }
}

private struct UncheckedSendableBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
