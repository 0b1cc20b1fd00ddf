/// The embeddings of HF's `Dinov2Model` and `ViTModel`, which name them alike: a CLS token, a patch
/// convolution and one learned position per grid cell plus CLS, with leading batch dimensions of 1
/// (no registers, no pre-norm; CLIP differs).
extension CheckpointTensor {
    static func huggingFaceEmbedding(_ parameter: ParameterName.EmbedParameter, root: String) -> CheckpointTensor? {
        switch parameter {
        case .cls: return CheckpointTensor(root + "embeddings.cls_token", leadingOnes: 2)                  // [1, 1, D]
        case .patch(let part): return CheckpointTensor(root + "embeddings.patch_embeddings.projection." + part.rawValue)
        case .positions: return CheckpointTensor(root + "embeddings.position_embeddings", leadingOnes: 1)  // [1, 1 + G0², D]
        case .registers, .preNorm: return nil
        }
    }
}
