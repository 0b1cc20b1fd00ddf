/// The embeddings of HF's `Dinov2Model` and `ViTModel`, which name them alike: a CLS token, a
/// patch convolution and one learned position per grid cell plus CLS (no pre-norm; CLIP differs).
extension EmbeddingWeights {
    static func huggingFace(_ weights: ModelWeights, root: String, width d: Int, channels c: Int, patch p: Int, grid: Int)
        throws -> EmbeddingWeights
    {
        EmbeddingWeights(
            cls: try weights.tensor(root + "embeddings.cls_token", shape: [1, 1, d]),
            patch: LinearWeights(
                weight: try weights.tensor(root + "embeddings.patch_embeddings.projection.weight", shape: [d, c, p, p]),
                bias: try weights.tensor(root + "embeddings.patch_embeddings.projection.bias", shape: [d]),
                outputs: d, inputs: c * p * p),
            positions: try weights.tensor(root + "embeddings.position_embeddings", shape: [1, 1 + grid * grid, d]),
            positionGrid: grid, preNorm: nil)
    }
}
