extension ExtractionConfig {
    /// Rows of the batch's token matrix that keep the projections' sgemms in their fast regime: with
    /// fewer, each worker's row block is too short to amortise packing the weights; with more, the
    /// last batch's store write (which nothing overlaps) and the memory for two batches grow while
    /// the GEMM rate stays the same. Measured on CLIP-L/336 (T = 577, 8 images): batch 2 / 4 / 8 =
    /// 18.6 / 18.3 / 20.8 s; DINOv2-S (T = 257, 32 images): batch 4 / 8 / 16 all 3.4 s.
    public static let targetBatchRows = 2048

    /// The batch for images of `tokens` tokens: about `targetBatchRows` rows, 1 to 16 images.
    public static func automaticBatchSize(tokens: Int) -> Int {
        let images = (Double(targetBatchRows) / Double(max(tokens, 1))).rounded()
        return min(16, max(1, Int(images)))
    }
}
