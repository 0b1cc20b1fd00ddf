/// The Qwen2.5-VL vision tower (HF `Qwen2_5_VisionTransformerPretrainedModel`): a Conv3d patch
/// embedding over a still image repeated `temporal_patch_size` times (no bias), no prefix tokens,
/// 2-D RoPE over (row, column) patch indices, RMSNorm (eps 1e-6), SwiGLU MLP, window attention
/// (`window_size` / `patch_size` patches square) except in `fullatt_block_indexes`, no final norm,
/// and the patch merger (`PatchMerger`) as an optional extra output. Parameter names, under a root
/// of "" (a tower folder), "visual." (hub checkpoints) or "model.visual." (transformers 5's save):
///
///     patch_embed.proj.weight                    [D, C, Tp, P, P]
///     blocks.{i}.norm1.weight, blocks.{i}.norm2.weight          [D]
///     blocks.{i}.attn.qkv.{weight,bias}          [3D, D], [3D] (q, k, v as row blocks)
///     blocks.{i}.attn.proj.{weight,bias}         [D, D], [D]
///     blocks.{i}.mlp.{gate_proj,up_proj}.{weight,bias}  [I, D], [I]
///     blocks.{i}.mlp.down_proj.{weight,bias}     [D, I], [D]
///     merger.ln_q.weight                          [D]
///     merger.mlp.0.{weight,bias}                  [4D, 4D], [4D]
///     merger.mlp.2.{weight,bias}                  [D_llm, 4D], [D_llm]
///
/// SinkScope computes in row-major patch-grid order throughout; windows are token groups
/// (`attentionWindows`) and the merger gathers each 2×2 unit, so nothing needs un-permuting.
extension VisionTransformer {
    /// The roots under which a Qwen2.5-VL tower may be stored.
    static let qwenVisionRoots = ["", "visual.", "model.visual.", "vision_tower."]

    public static func qwen2_5_VLVision(config: Qwen2_5_VLVisionConfig, weights: ModelWeights) throws -> VisionTransformer {
        guard let root = weights.prefix(forAnchor: "patch_embed.proj.weight", candidates: qwenVisionRoots) else {
            let roots = Set(weights.names.map { name -> String in
                let parts = name.split(separator: ".")
                return parts.count > 1 ? String(parts[0]) + "." : name
            }).sorted()
            throw ModelError.badConfig(
                path: weights.source,
                reason: "no Qwen2.5-VL vision tower: no patch_embed.proj.weight under \(qwenVisionRoots.map { "'\($0)'" }.joined(separator: ", ")); "
                    + "the \(weights.names.count) tensors found sit under \(roots.prefix(10).joined(separator: ", "))")
        }
        let d = config.hiddenSize
        var model = try VisionTransformer(description: try config.description(source: weights.source), weights: weights, map: .qwen2_5_VLVision(root: root, width: d))
        model.merger = try PatchMerger(
            weights: weights, root: root + "merger.", width: d, merge: config.spatialMergeSize, outputs: config.outHiddenSize)
        return model
    }
}

extension Qwen2_5_VLVisionConfig {
    /// Qwen2.5-VL's tower as a block description (`image_size` is a nominal 448: RoPE takes any grid).
    public func description(source: String) throws -> ArchitectureDescription {
        guard hiddenSize % numHeads == 0, (hiddenSize / numHeads) % 4 == 0 else {
            throw ModelError.badConfig(path: source, reason: "the head width hidden_size / num_heads must be a multiple of 4 for 2-D RoPE")
        }
        guard patchSize > 0, windowSize % (patchSize * spatialMergeSize) == 0, windowSize > 0 else {
            throw ModelError.badConfig(path: source, reason: "window_size \(windowSize) must be a positive multiple of patch_size × spatial_merge_size")
        }
        guard spatialMergeSize == 2 else {
            throw ModelError.badConfig(path: source, reason: "spatial_merge_size \(spatialMergeSize) is not supported (2 expected)")
        }
        let norm = Norm(.rmsNorm, eps: 1e-6)
        return ArchitectureDescription(
            architecture: "Qwen2_5_VisionTransformerPretrainedModel", hiddenSize: hiddenSize, heads: numHeads, layers: depth,
            intermediateSize: intermediateSize, patchSize: patchSize, imageSize: 448, channels: inChannels,
            embedding: EmbeddingDescription(
                patch: .conv3d(temporalPatch: temporalPatchSize, bias: false), prefix: .none,
                positions: .rotary2D(theta: ropeTheta, coordinates: .patchIndex)),
            block: BlockDescription(
                norm: norm, activation: try Activation(hfName: hiddenAct, source: source), mlp: .gated,
                attention: .windowed(window: windowSize / patchSize, fullAttentionBlocks: fullattBlockIndexes)),
            finalNorm: nil)
    }
}

extension WeightMap {
    /// HF's Qwen2.5-VL tower names under `root`; q, k, v are row blocks of the fused `attn.qkv` [3D, D].
    public static func qwen2_5_VLVision(root: String, width d: Int) -> WeightMap {
        WeightMap { name in
            switch name {
            case .embed(.patch(let part)): return CheckpointTensor(root + "patch_embed.proj." + part.rawValue)
            case .embed: return nil
            case .block(let i, let parameter, let part):
                let b = root + "blocks.\(i).", p = "." + part.rawValue
                switch parameter {
                case .norm1: return CheckpointTensor(b + "norm1" + p)
                case .query: return CheckpointTensor(b + "attn.qkv" + p, rows: 0..<d)
                case .key: return CheckpointTensor(b + "attn.qkv" + p, rows: d..<(2 * d))
                case .value: return CheckpointTensor(b + "attn.qkv" + p, rows: (2 * d)..<(3 * d))
                case .attentionOutput: return CheckpointTensor(b + "attn.proj" + p)
                case .norm2: return CheckpointTensor(b + "norm2" + p)
                case .gate: return CheckpointTensor(b + "mlp.gate_proj" + p)
                case .fc1: return CheckpointTensor(b + "mlp.up_proj" + p)
                case .fc2: return CheckpointTensor(b + "mlp.down_proj" + p)
                case .layerScale1, .layerScale2, .queryNorm, .keyNorm: return nil
                }
            case .finalNorm: return nil
            }
        }
    }
}
