import CBLAS

// Shape letters: n images in the batch, T tokens per image, D hidden, H heads, I MLP width, L blocks,
// C channels, P patch size, G = gh·gw patches.

extension VisionTransformer {
    /// Runs a batch of images through the backbone and returns, per image, what `capture` asks for.
    ///
    /// All n·T tokens of the batch go through each LayerNorm and Linear as one [n·T, ·] matrix (one
    /// sgemm per projection and worker); attention runs per image and head.
    /// - Parameters:
    ///   - pixels: [n, C, height, width], preprocessed (rescaled and normalised) and CHW per image.
    ///   - height, width: input size; DINOv2 takes any size ≥ P (its position embeddings are resized to
    ///     the grid), ViT and CLIP need their trained `image_size`.
    ///   - threads: workers for every step: row blocks of each projection (one single-threaded
    ///     sgemm each), image × head attention tasks, row blocks of the elementwise steps. OpenBLAS is
    ///     held at one thread during the pass and restored afterwards.
    /// - Throws: `ModelError.badInput` when the sizes do not fit.
    public func forward(pixels: [Float], images n: Int, height: Int, width: Int, capture: CaptureRequest, threads: Int = 1) throws
        -> [ImageCapture]
    {
        let d = spec.hiddenSize, heads = spec.heads, ffn = spec.intermediateSize, eps = spec.layerNormEps
        let t = tokens(height: height, width: width), rows = n * t
        try checkInput(count: pixels.count, images: n, height: height, width: width)
        let positions = try positionEmbeddings(gridRows: height / spec.patchSize, gridCols: width / spec.patchSize)

        let x = FloatBuffer(rows * d)          // residual stream [n·T, D]
        let y = FloatBuffer(rows * d)          // normalised input / branch output [n·T, D]
        let qkv = FloatBuffer(rows * 3 * d)    // q | k | v [n·T, 3D]
        let context = FloatBuffer(rows * d)    // attention output before W_o [n·T, D]
        let mlp = FloatBuffer(rows * ffn)      // MLP hidden [n·T, I]
        let received = FloatBuffer(capture.received ? n * heads * t : 0)   // per image and head [n, H, T]
        let norms = FloatBuffer(rows)          // [n·T]
        var out = [ImageCapture](repeating: ImageCapture(), count: n)

        // All parallelism comes from our workers (row blocks of each projection, image × head tasks
        // in attention, row blocks of the elementwise steps): OpenBLAS runs single-threaded inside
        // them, so its own pool never spins against our workers for the same cores.
        let previousBLASThreads = openblas_get_num_threads()
        openblas_set_num_threads(1)
        defer { openblas_set_num_threads(previousBLASThreads) }

        pixels.withUnsafeBufferPointer { px in
            embed(x.pointer, pixels: px.baseAddress!, images: n, height: height, width: width, positions: positions, threads: threads)
        }
        record(layer: 0, x, norms, tokens: t, capture: capture, threads: threads, into: &out)

        for (index, block) in blocks.enumerated() {
            let layer = index + 1
            // Attention half: x += s1 ⊙ W_o · MultiHeadAttention(LN1(x))
            parallelLayerNorm(y, x, block.norm1, rows: rows, width: d, eps: eps, threads: threads)
            linear(qkv.pointer, y.pointer, block.qkv, rows: rows, threads: threads)
            let probs = capture.attentionLayers.contains(layer) ? (0..<n).map { _ in FloatBuffer(heads * t * t) } : nil
            received.zero()
            multiHeadAttention(context, qkv, images: n, tokens: t, received: capture.received ? received : nil, probs: probs, threads: threads)
            linear(y.pointer, context.pointer, block.attentionOutput, rows: rows, threads: threads)
            parallelResidual(x, y, scale: block.layerScale1, rows: rows, width: d, threads: threads)
            // MLP half: x += s2 ⊙ fc2(act(fc1(LN2(x))))
            parallelLayerNorm(y, x, block.norm2, rows: rows, width: d, eps: eps, threads: threads)
            linear(mlp.pointer, y.pointer, block.fc1, rows: rows, threads: threads)
            parallelFor(rows, threads: threads) { r in
                spec.activation.apply(mlp.pointer + r.lowerBound * ffn, count: r.count * ffn)
            }
            linear(y.pointer, mlp.pointer, block.fc2, rows: rows, threads: threads)
            parallelResidual(x, y, scale: block.layerScale2, rows: rows, width: d, threads: threads)

            record(layer: layer, x, norms, tokens: t, capture: capture, threads: threads, into: &out)
            for image in 0..<n {
                if let probs { out[image].attention[layer] = probs[image].array(count: heads * t * t) }
                if capture.received { out[image].received[layer] = headMean(received, image: image, heads: heads, tokens: t) }
            }
        }

        if capture.finalLayerNorm, let finalNorm {
            parallelLayerNorm(y, x, finalNorm, rows: rows, width: d, eps: eps, threads: threads)
            for image in 0..<n { out[image].lastHiddenState = y.array(offset: image * t * d, count: t * d) }
        }
        return out
    }

    // MARK: - Steps

    /// Patch embedding (im2col + one sgemm per image), CLS token, position embeddings, and CLIP's pre-LN.
    /// - Parameters:
    ///   - x: output [n·T, D]; row image·T is the CLS token, rows image·T + 1 + g the patches.
    ///   - positions: [T, D] already resized to the input grid.
    private func embed(
        _ x: UnsafeMutablePointer<Float>, pixels: UnsafePointer<Float>, images n: Int, height: Int, width: Int, positions: [Float],
        threads: Int
    ) {
        let d = spec.hiddenSize, c = spec.channels, p = spec.patchSize
        let g = (height / p) * (width / p), t = spec.prefixTokens + g
        let patches = FloatBuffer(g * c * p * p)   // [G, C·P·P]
        for image in 0..<n {
            let xi = x + image * t * d
            im2col(patches.pointer, pixels: pixels + image * c * height * width, channels: c, height: height, width: width, patch: p)
            linear(xi + spec.prefixTokens * d, patches.pointer, embeddings.patch, rows: g, threads: threads)
            xi.update(from: embeddings.cls, count: d)
            for k in 0..<(t * d) { xi[k] += positions[k] }
        }
        if let pre = embeddings.preNorm {
            parallelFor(n * t, threads: threads) { r in
                layerNorm(x + r.lowerBound * d, x + r.lowerBound * d, gamma: pre.gamma, beta: pre.beta, rows: r.count, width: d, eps: spec.layerNormEps)
            }
        }
    }

    /// The position embeddings for a gh × gw grid, [T, D]: the CLS row unchanged, the patch grid resized
    /// bicubically when it differs from the trained G0 × G0 (only for architectures that interpolate).
    func positionEmbeddings(gridRows gh: Int, gridCols gw: Int) throws -> [Float] {
        let d = spec.hiddenSize, g0 = embeddings.positionGrid
        if gh == g0 && gw == g0 { return embeddings.positions }
        guard spec.interpolatesPositions else {
            throw ModelError.badInput(
                reason: "\(spec.architecture) needs \(spec.imageSize)×\(spec.imageSize) input (a \(g0)×\(g0) patch grid), got a \(gh)×\(gw) grid")
        }
        let grid = Array(embeddings.positions[d...])
        return Array(embeddings.positions[..<d]) + bicubicResize(grid, rows: g0, cols: g0, channels: d, outRows: gh, outCols: gw)
    }

    private func checkInput(count: Int, images n: Int, height: Int, width: Int) throws {
        let p = spec.patchSize
        guard n >= 1 else { throw ModelError.badInput(reason: "the batch is empty") }
        guard height >= p, width >= p, height <= 16_384, width <= 16_384 else {
            throw ModelError.badInput(reason: "a \(height)×\(width) image is outside \(p)...16384 pixels per side")
        }
        let expected = n * spec.channels * height * width
        guard count == expected else {
            throw ModelError.badInput(
                reason: "\(count) pixel values for \(n) images of \(spec.channels)×\(height)×\(width) (expected \(expected))")
        }
    }

    /// Stores layer `layer`'s norms (always) and hidden states (when requested) from the stream x [n·T, D].
    private func record(
        layer: Int, _ x: FloatBuffer, _ norms: FloatBuffer, tokens t: Int, capture: CaptureRequest, threads: Int,
        into out: inout [ImageCapture]
    ) {
        let d = spec.hiddenSize
        parallelFor(out.count * t, threads: threads) { r in
            rowNorms(norms.pointer + r.lowerBound, x.pointer + r.lowerBound * d, rows: r.count, width: d)
        }
        for image in out.indices {
            out[image].norms += norms.array(offset: image * t, count: t)
            if capture.hiddenLayers.contains(layer) {
                out[image].hidden[layer] = x.array(offset: image * t * d, count: t * d)
            }
        }
    }

    /// Attention for every image and head, spread over `threads` workers (one task per image × head).
    /// - Parameters:
    ///   - context: output [n·T, D].
    ///   - qkv: [n·T, 3D].
    ///   - received: [n, H, T] zeroed partials (head h of image i at (i·H + h)·T), or nil.
    ///   - probs: per image [H, T, T], or nil.
    private func multiHeadAttention(
        _ context: FloatBuffer, _ qkv: FloatBuffer, images n: Int, tokens t: Int, received: FloatBuffer?, probs: [FloatBuffer]?,
        threads: Int
    ) {
        let d = spec.hiddenSize, heads = spec.heads
        parallelFor(n * heads, threads: threads) { tasks in
            let scratch = FloatBuffer(probs == nil ? t * t : 0)
            for task in tasks {
                let image = task / heads, head = task % heads
                attentionHead(
                    context.pointer + image * t * d, qkv: qkv.pointer + image * t * 3 * d, head: head, tokens: t, heads: heads,
                    width: d, scores: probs.map { $0[image].pointer + head * t * t } ?? scratch.pointer,
                    received: received.map { $0.pointer + task * t }, receivedWeight: 1 / Float(heads))
            }
        }
    }

    /// Σ over heads of the per-head received partials of one image (already weighted by 1/H): [T].
    private func headMean(_ received: FloatBuffer, image: Int, heads: Int, tokens t: Int) -> [Float] {
        var sum = [Float](repeating: 0, count: t)
        for head in 0..<heads {
            let p = received.pointer + (image * heads + head) * t
            for j in 0..<t { sum[j] += p[j] }
        }
        return sum
    }
}

/// `layerNorm` over the rows of a [rows, D] buffer, split across workers.
private func parallelLayerNorm(
    _ y: FloatBuffer, _ x: FloatBuffer, _ w: LayerNormWeights, rows: Int, width d: Int, eps: Float, threads: Int
) {
    parallelFor(rows, threads: threads) { r in
        layerNorm(y.pointer + r.lowerBound * d, x.pointer + r.lowerBound * d, gamma: w.gamma, beta: w.beta, rows: r.count, width: d, eps: eps)
    }
}

/// `addResidual` over the rows of [rows, D] buffers, split across workers.
private func parallelResidual(_ x: FloatBuffer, _ y: FloatBuffer, scale: [Float]?, rows: Int, width d: Int, threads: Int) {
    parallelFor(rows, threads: threads) { r in
        let offset = r.lowerBound * d
        if let scale {
            addResidual(x.pointer + offset, y.pointer + offset, scale: scale, rows: r.count, width: d)
        } else {
            addResidual(x.pointer + offset, y.pointer + offset, scale: nil, rows: r.count, width: d)
        }
    }
}

/// `linear` on a weights struct, y[rows, outputs] = x[rows, inputs] · Wᵀ + b, with the rows split
/// across `threads` workers, each making one single-threaded sgemm on its block of rows.
private func linear(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: LinearWeights, rows: Int, threads: Int) {
    w.weight.withUnsafeBufferPointer { weight in
        let bias = w.bias
        parallelFor(rows, threads: threads) { r in
            let yr = y + r.lowerBound * w.outputs, xr = x + r.lowerBound * w.inputs
            if let bias {
                linear(yr, xr, weight: weight.baseAddress!, bias: bias, m: r.count, k: w.inputs, n: w.outputs)
            } else {
                linear(yr, xr, weight: weight.baseAddress!, bias: nil, m: r.count, k: w.inputs, n: w.outputs)
            }
        }
    }
}
