import ActivationStore
import Dispatch
import Images

/// Decodes the next batch of images on a thread of its own while the forward of the current batch
/// runs, so no core waits for decoding between forwards.
///
/// Decoding between forwards left cores idle: the images of a batch are decoded in parallel, but one
/// large photo keeps one worker busy after the other has finished (a profile of DINOv2-S over 32
/// photos showed one core idle for 0.05–0.1 s at every batch boundary). Beside a forward the decode
/// thread takes the time the forward's workers leave at their barriers, and the next forward starts
/// with its pixels ready.
///
/// One batch is in flight at a time; memory holds its pixels on top of the current batch's.
final class BatchPrefetcher: @unchecked Sendable {   // `decoded` is written on the queue and read by `take` after `group.wait()`
    private let pipeline: ImagePipeline
    private let queue = DispatchQueue(label: "sinkscope.extract.decoder")
    private let group = DispatchGroup()
    private var decoded: [Result<[Float], ImageError>]?

    init(pipeline: ImagePipeline) { self.pipeline = pipeline }

    /// Starts decoding `batch` (one image at a time: the forward has the other cores).
    func start(_ batch: [ImageEntry]) {
        group.wait()
        decoded = nil
        queue.async(group: group) { [self] in decoded = Extractor.decode(batch, pipeline: pipeline, threads: 1) }
    }

    /// The batch last started, once decoded: one result per entry, in order.
    func take() -> [Result<[Float], ImageError>] {
        group.wait()
        // An empty answer would drop the batch from the store without a word; the extractor starts every
        // batch after the first before it takes it, so a missing one is a bug to stop at.
        guard let batch = decoded else { preconditionFailure("BatchPrefetcher.take() with no batch started") }
        decoded = nil
        return batch
    }

    /// Waits for a decode in flight to finish (so none outlives the extraction that started it).
    func wait() { group.wait() }
}
