import ActivationStore
import Dispatch

/// Appends a batch's activations to the store on a thread of its own, so that the single-threaded
/// part of writing (f16 conversion, safetensors files) of batch k runs while the forward of batch
/// k + 1 keeps the workers busy, instead of leaving all but one core idle between forwards.
///
/// One batch is in flight at a time: `submit` first waits for the previous one, so memory holds at
/// most two batches of activations. Whoever uses `writer` directly (commit, shard origin) calls
/// `drain` first; an append's error is rethrown by the next `submit` or `drain`.
final class BackgroundStoreWriter: @unchecked Sendable {   // `writer` and `failure` are touched by one side at a time: the queue between submit and drain, the caller after drain
    let writer: StoreWriter
    private let queue = DispatchQueue(label: "sinkscope.extract.store-writer")
    private let group = DispatchGroup()
    private var failure: Error?

    init(_ writer: StoreWriter) { self.writer = writer }

    /// Queues `batch` for appending, after the previous batch has been written.
    /// - Parameter commitAfter: commit the store (a checkpoint a rerun resumes from) once the batch
    ///   is appended. It runs on the writer's thread too: a commit on the caller's side would first
    ///   have to wait for the append, and the forward of the next batch with it.
    /// - Parameter encodingThreads: workers that encode each image's layers (`StoreWriter.encodingThreads`):
    ///   1 while forwards run beside the writer, all of them for the last batch, which nothing overlaps.
    /// - Throws: the previous batch's append or commit error.
    func submit(_ batch: [ImageActivations], commitAfter: Bool = false, encodingThreads: Int = 1) throws {
        try drain()
        let job = UncheckedBatch(items: batch)
        queue.async(group: group) { [self] in
            writer.encodingThreads = encodingThreads
            defer { writer.encodingThreads = 1 }
            do {
                for activations in job.items { try writer.append(activations) }
                if commitAfter { try writer.commit() }
            } catch {
                failure = error
            }
        }
    }

    /// Waits until the batch in flight is written; afterwards the caller may use `writer` directly.
    /// - Throws: that batch's append error (once).
    func drain() throws {
        group.wait()
        if let error = failure {
            failure = nil
            throw error
        }
    }
}

/// A batch handed to the writer's thread; the caller never touches it again.
private struct UncheckedBatch: @unchecked Sendable {
    let items: [ImageActivations]
}
