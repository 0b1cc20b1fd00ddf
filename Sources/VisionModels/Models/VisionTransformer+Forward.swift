import Support
import LinearAlgebra

// Shape letters: n images in the batch, T tokens per image, D hidden, H heads, I MLP width, L blocks,
// C channels, P patch size, G = gh·gw patches.

extension VisionTransformer {
    /// Runs a batch of images through the backbone and returns, per image, what `capture` asks for.
    ///
    /// One loop over the blocks, each following `spec.block`; all n·T tokens of the batch go through
    /// each norm and Linear as one [n·T, ·] matrix (one sgemm per projection and worker); attention
    /// runs per image and head. What is kept goes through the named `HookPoint`s.
    /// - Parameters:
    ///   - pixels: [n, C, height, width], preprocessed (rescaled and normalised) and CHW per image.
    ///   - height, width: input size; families with interpolated positions (DINOv2) take any size ≥ P,
    ///     those with absolute positions (ViT, CLIP) need their trained `image_size`.
    ///   - threads: workers for every step: row blocks of each projection (one single-threaded
    ///     sgemm each), image × head attention tasks, row blocks of the elementwise steps. OpenBLAS is
    ///     held at one thread during the pass and restored afterwards.
    /// - Throws: `ModelError.notImplemented` for a described feature the forward does not run yet,
    ///   `ModelError.badInput` when the sizes do not fit.
    ///   - hooks: functions run at named points (interventions, extra captures); see `ForwardHooks`.
    public func forward(
        pixels: [Float], images n: Int, height: Int, width: Int, capture: CaptureRequest, threads: Int = 1,
        hooks attached: ForwardHooks = ForwardHooks()
    ) throws
        -> [ImageCapture]
    {
        if let feature = spec.unimplementedFeature {
            throw ModelError.notImplemented(architecture: spec.architecture, feature: feature)
        }
        let d = spec.hiddenSize, heads = spec.heads, ffn = spec.intermediateSize, block = spec.block
        // T counts the image's tokens plus any appended extra tokens (test-time registers, `ForwardHooks.extraTokens`);
        // captures keep the image's `base` tokens and file the extra ones apart (`ImageCapture.extra`).
        let base = tokens(height: height, width: width), t = base + attached.extraTokens, rows = n * t
        try checkInput(count: pixels.count, images: n, height: height, width: width)
        let positions = try positionEmbeddings(gridRows: height / spec.patchSize, gridCols: width / spec.patchSize)
        let hooks = capture.hookPoints(blocks: spec.layers)
        let gh = height / spec.patchSize, gw = width / spec.patchSize
        let rotary = rotaryTable(gridRows: gh, gridCols: gw)   // nil unless positions are rotary
        if attached.extraTokens > 0 { try checkExtraTokens(capture: capture, rotary: rotary != nil, gridRows: gh, gridCols: gw) }

        let x = FloatBuffer(rows * d)          // residual stream [n·T, D]
        let y = FloatBuffer(rows * d)          // normalised input / branch output [n·T, D]
        let qkv = FloatBuffer(rows * 3 * d)    // q | k | v [n·T, 3D]
        let context = FloatBuffer(rows * d)    // attention output before W_o [n·T, D]
        let mlp = FloatBuffer(rows * ffn)      // MLP hidden after the nonlinearity [n·T, I]
        let gateUp = FloatBuffer(block.mlp == .gated ? rows * 2 * ffn : 0)   // gate | up [n·T, 2I], gated MLP only
        let received = FloatBuffer(capture.received || capture.values ? n * heads * t : 0)   // per image and head [n, H, T]
        let valueScratch = FloatBuffer(capture.values ? rows * d : 0)       // ā_h[j]·v_h[j] [n·T, D], `--capture values` only
        let valueProjected = FloatBuffer(capture.values ? rows * d : 0)     // its W_o projection [n·T, D]
        let norms = FloatBuffer(rows)          // [n·T]
        var attentionScratch: FloatBuffer?     // [workers, T, T], made by the first full-attention block that needs it
        var out = [ImageCapture](repeating: ImageCapture(extraTokens: attached.extraTokens), count: n)

        // All parallelism comes from our workers (row blocks of each projection, image × head tasks
        // in attention, row blocks of the elementwise steps): OpenBLAS runs single-threaded inside
        // them, so its own pool never spins against our workers for the same cores.
        let previousBLASThreads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(previousBLASThreads) }

        pixels.withUnsafeBufferPointer { px in
            embed(x, pixels: px.baseAddress!, images: n, tokens: t, height: height, width: width, positions: positions, threads: threads)
        }
        attached.run(.embed, x.pointer, images: n, tokens: t, width: d)
        record(.embed, x, norms, tokens: t, hooks: hooks, threads: threads, into: &out)

        for (b, w) in blocks.enumerated() {
            attached.run(.residPre(block: b), x.pointer, images: n, tokens: t, width: d)
            // Attention half: x += s1 ⊙ W_o · MultiHeadAttention(norm1(x))
            normalize(y, x, block.norm, w.norm1, rows: rows, width: d, threads: threads)
            linear(qkv.pointer, y.pointer, w.qkv, rows: rows, threads: threads)
            attached.run(.attnValues(block: b), qkv.pointer + 2 * d, images: n, tokens: t, width: d, stride: 3 * d)
            if let qkNorm = block.qkNorm, let qn = w.queryNorm, let kn = w.keyNorm {   // InternViT's QK-norm
                qkNormalize(qkv, qkNorm, query: qn, key: kn, rows: rows, width: d, threads: threads)
            }
            if let rotary { rotate(qkv, table: rotary, images: n, tokens: t, threads: threads) }
            let pattern = hooks.contains(.attnPattern(block: b)) ? (0..<n).map { _ in FloatBuffer(heads * t * t) } : nil
            received.zero()
            let receivedPartials = hooks.contains(.attnReceived(block: b)) ? received : nil
            let logitsHook = attached.scores[.attnLogits(block: b)], patternHook = attached.scores[.attnPattern(block: b)]
            if let windows = attentionWindows(block: b, gridRows: gh, gridCols: gw) {
                // Score hooks (knockout) act on a full [T, T] map; windowed blocks compute per window.
                guard logitsHook == nil, patternHook == nil else {
                    throw ModelError.notImplemented(architecture: spec.architecture, feature: "attention-score interventions in windowed blocks")
                }
                windowedMultiHeadAttention(context, qkv, images: n, tokens: t, windows: windows, received: receivedPartials, probs: pattern, threads: threads)
            } else {
                if pattern == nil && attentionScratch == nil {
                    attentionScratch = FloatBuffer(attentionWorkers(images: n, threads: threads) * t * t)
                }
                multiHeadAttention(context, qkv, images: n, tokens: t, received: receivedPartials, probs: pattern,
                                   scratch: attentionScratch ?? FloatBuffer(0), threads: threads, logitsHook: logitsHook, patternHook: patternHook)
            }
            if capture.values {
                let values = valueContributions(
                    qkv, received: received, outputProjection: w.attentionOutput, images: n, tokens: t, scratch: valueScratch,
                    projected: valueProjected, threads: threads)
                for image in 0..<n {
                    out[image].valueNorms[b + 1] = Array(values[image].norms.prefix(base))
                    out[image].valueOutputs[b + 1] = Array(values[image].outputs.prefix(base))
                }
            }
            linear(y.pointer, context.pointer, w.attentionOutput, rows: rows, threads: threads)
            attached.run(.attnOut(block: b), y.pointer, images: n, tokens: t, width: d)
            parallelResidual(x, y, scale: w.layerScale1, rows: rows, width: d, threads: threads)
            // MLP half: x += s2 ⊙ MLP(norm2(x))
            normalize(y, x, block.norm, w.norm2, rows: rows, width: d, threads: threads)
            switch block.mlp {
            case .plain:   // act(fc1(h))
                linear(mlp.pointer, y.pointer, w.fc1, rows: rows, threads: threads)
                parallelFor(rows, threads: threads) { r in
                    block.activation.apply(mlp.pointer + r.lowerBound * ffn, count: r.count * ffn)
                }
            case .gated:   // act(gate(h)) ⊙ up(h)
                linear(gateUp.pointer, y.pointer, w.fc1, rows: rows, threads: threads)
                parallelFor(rows, threads: threads) { r in
                    gatedActivation(
                        mlp.pointer + r.lowerBound * ffn, gateUp.pointer + r.lowerBound * 2 * ffn, rows: r.count, width: ffn,
                        activation: block.activation)
                }
            }
            attached.run(.mlpPost(block: b), mlp.pointer, images: n, tokens: t, width: ffn)
            linear(y.pointer, mlp.pointer, w.fc2, rows: rows, threads: threads)
            parallelResidual(x, y, scale: w.layerScale2, rows: rows, width: d, threads: threads)

            attached.run(.residPost(block: b), x.pointer, images: n, tokens: t, width: d)
            record(.residPost(block: b), x, norms, tokens: t, hooks: hooks, threads: threads, into: &out)
            for image in 0..<n {
                if let pattern { out[image].keep(.attnPattern(block: b), pattern[image].array(count: heads * t * t)) }
                if hooks.contains(.attnReceived(block: b)) {
                    out[image].keep(.attnReceived(block: b), headMean(received, image: image, heads: heads, tokens: t), tokens: base, width: 1)
                }
            }
        }

        if hooks.contains(.finalNorm), let norm = spec.finalNorm, let finalNorm {
            normalize(y, x, norm, finalNorm, rows: rows, width: d, threads: threads)
            for image in 0..<n { out[image].keep(.finalNorm, y.array(offset: image * t * d, count: t * d), tokens: base, width: d) }
            if let head = poolingHead {   // SigLIP's attention pool reads last_hidden_state
                for image in 0..<n { out[image].pooled = head.pool(y.pointer + image * t * d, tokens: t, heads: heads, activation: block.activation) }
            }
        }
        if capture.merged, let merger {
            for image in 0..<n { out[image].merged = merger(x.pointer + image * t * d, gridRows: gh, gridCols: gw, width: d, threads: threads) }
        }
        return out
    }

    /// Patch embedding (im2col + one sgemm per image), class token, registers, learned positions, and
    /// the optional pre-norm (CLIP).
    /// - Parameters:
    ///   - x: output [n·T, D]; per image the class token, then the registers, then the G patches, then
    ///     T − (prefix + G) zero rows (extra tokens).
    ///   - positions: [cls + G, D] already resized to the input grid, or nil (rotary positions).
    private func embed(
        _ x: FloatBuffer, pixels: UnsafePointer<Float>, images n: Int, tokens t: Int, height: Int, width: Int, positions: [Float]?,
        threads: Int
    ) {
        let d = spec.hiddenSize, c = spec.channels, p = spec.patchSize, prefix = spec.embedding.prefix
        let g = (height / p) * (width / p), base = prefix.count + g
        var frames = 1
        if case .conv3d(let tp, _) = spec.embedding.patch { frames = tp }
        let patches = FloatBuffer(g * c * frames * p * p)   // [G, C·P·P] (Conv3d: [G, C·Tp·P·P])
        for image in 0..<n {
            let xi = x.pointer + image * t * d
            if frames > 1 {
                im2colRepeatedFrames(patches.pointer, pixels: pixels + image * c * height * width, channels: c, height: height, width: width, patch: p, frames: frames)
            } else {
                im2col(patches.pointer, pixels: pixels + image * c * height * width, channels: c, height: height, width: width, patch: p)
            }
            linear(xi + prefix.count * d, patches.pointer, embeddings.patch, rows: g, threads: threads)
            if let cls = embeddings.cls { xi.update(from: cls, count: d) }
            if let positions {
                // The class token's row and the patch rows; registers (between them) get no position.
                let positioned = prefix.cls * d, patchRows = xi + prefix.count * d
                for k in 0..<positioned { xi[k] += positions[k] }
                for k in 0..<(g * d) { patchRows[k] += positions[positioned + k] }
            }
            if let registers = embeddings.registers { (xi + prefix.cls * d).update(from: registers, count: prefix.registers * d) }
        }
        if let norm = spec.embedding.preNorm, let pre = embeddings.preNorm {
            normalize(x, x, norm, pre, rows: n * t, width: d, threads: threads)
        }
        // Appended extra tokens (test-time registers) enter block 0 as zeros: no patch, position or pre-norm.
        for image in 0..<n where t > base { (x.pointer + (image * t + base) * d).update(repeating: 0, count: (t - base) * d) }
    }
}
