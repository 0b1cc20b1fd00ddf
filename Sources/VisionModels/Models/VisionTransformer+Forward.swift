// Shape letters: n images in the batch, T tokens per image, D hidden, H heads, I MLP width, L blocks,
// C channels, P patch size, G = gh·gw patches.

extension VisionTransformer {
    /// Runs a batch of images through the backbone and returns, per image, what `capture` asks for.
    ///
    /// All n·T tokens of the batch go through each LayerNorm and Linear as one [n·T, ·] matrix (one
    /// sgemm per projection); attention runs per image and head.
    /// - Parameters:
    ///   - pixels: [n, C, height, width], preprocessed (rescaled and normalised) and CHW per image.
    ///   - height, width: input size; DINOv2 takes any size ≥ P (its position embeddings are resized to
    ///     the grid), ViT and CLIP need their trained `image_size`.
    /// - Throws: `ModelError.badInput` when the sizes do not fit.
    public func forward(pixels: [Float], images n: Int, height: Int, width: Int, capture: CaptureRequest) throws
        -> [ImageCapture]
    {
        let d = spec.hiddenSize, heads = spec.heads, ffn = spec.intermediateSize, c = spec.channels
        let t = tokens(height: height, width: width), rows = n * t
        try checkInput(count: pixels.count, images: n, height: height, width: width)
        let positions = try positionEmbeddings(gridRows: height / spec.patchSize, gridCols: width / spec.patchSize)

        let x = FloatBuffer(rows * d)          // residual stream [n·T, D]
        let y = FloatBuffer(rows * d)          // normalised input / branch output [n·T, D]
        let qkv = FloatBuffer(rows * 3 * d)    // q | k | v [n·T, 3D]
        let context = FloatBuffer(rows * d)    // attention output before W_o [n·T, D]
        let mlp = FloatBuffer(rows * ffn)      // MLP hidden [n·T, I]
        let scores = FloatBuffer(t * t)        // one head's scores [T, T]
        let norms = FloatBuffer(rows)          // [n·T]
        var out = [ImageCapture](repeating: ImageCapture(), count: n)

        pixels.withUnsafeBufferPointer { px in
            embed(x.pointer, pixels: px.baseAddress!, images: n, height: height, width: width, positions: positions)
        }
        record(layer: 0, x, norms, tokens: t, capture: capture, into: &out)

        for (index, block) in blocks.enumerated() {
            let layer = index + 1
            // Attention half: x += s1 ⊙ W_o · MultiHeadAttention(LN1(x))
            layerNorm(y.pointer, x.pointer, gamma: block.norm1.gamma, beta: block.norm1.beta, rows: rows, width: d, eps: spec.layerNormEps)
            linear(qkv.pointer, y.pointer, block.qkv, rows: rows)
            let keepProbs = capture.attentionLayers.contains(layer)
            for image in 0..<n {
                let probs = keepProbs ? FloatBuffer(heads * t * t) : nil
                let received = capture.received ? FloatBuffer(t) : nil
                attention(context.pointer + image * t * d, qkv: qkv.pointer + image * t * 3 * d, tokens: t, heads: heads, width: d,
                          scratch: scores.pointer, received: received?.pointer, probs: probs?.pointer)
                if let probs { out[image].attention[layer] = probs.array(count: heads * t * t) }
                if let received { out[image].received[layer] = received.array(count: t) }
            }
            linear(y.pointer, context.pointer, block.attentionOutput, rows: rows)
            addResidual(x.pointer, y.pointer, scale: block.layerScale1, rows: rows, width: d)
            // MLP half: x += s2 ⊙ fc2(act(fc1(LN2(x))))
            layerNorm(y.pointer, x.pointer, gamma: block.norm2.gamma, beta: block.norm2.beta, rows: rows, width: d, eps: spec.layerNormEps)
            linear(mlp.pointer, y.pointer, block.fc1, rows: rows)
            spec.activation.apply(mlp.pointer, count: rows * ffn)
            linear(y.pointer, mlp.pointer, block.fc2, rows: rows)
            addResidual(x.pointer, y.pointer, scale: block.layerScale2, rows: rows, width: d)
            record(layer: layer, x, norms, tokens: t, capture: capture, into: &out)
        }

        if capture.finalLayerNorm, let finalNorm {
            layerNorm(y.pointer, x.pointer, gamma: finalNorm.gamma, beta: finalNorm.beta, rows: rows, width: d, eps: spec.layerNormEps)
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
        _ x: UnsafeMutablePointer<Float>, pixels: UnsafePointer<Float>, images n: Int, height: Int, width: Int, positions: [Float]
    ) {
        let d = spec.hiddenSize, c = spec.channels, p = spec.patchSize
        let g = (height / p) * (width / p), t = spec.prefixTokens + g
        let patches = FloatBuffer(g * c * p * p)   // [G, C·P·P]
        for image in 0..<n {
            let xi = x + image * t * d
            im2col(patches.pointer, pixels: pixels + image * c * height * width, channels: c, height: height, width: width, patch: p)
            linear(xi + spec.prefixTokens * d, patches.pointer, embeddings.patch, rows: g)
            xi.update(from: embeddings.cls, count: d)
            for k in 0..<(t * d) { xi[k] += positions[k] }
        }
        if let pre = embeddings.preNorm {
            layerNorm(x, x, gamma: pre.gamma, beta: pre.beta, rows: n * t, width: d, eps: spec.layerNormEps)
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
    private func record(layer: Int, _ x: FloatBuffer, _ norms: FloatBuffer, tokens t: Int, capture: CaptureRequest, into out: inout [ImageCapture]) {
        let d = spec.hiddenSize
        rowNorms(norms.pointer, x.pointer, rows: out.count * t, width: d)
        for image in out.indices {
            out[image].norms += norms.array(offset: image * t, count: t)
            if capture.hiddenLayers.contains(layer) {
                out[image].hidden[layer] = x.array(offset: image * t * d, count: t * d)
            }
        }
    }
}

/// `linear` on a weights struct: y[rows, outputs] = x[rows, inputs] · Wᵀ + b.
private func linear(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: LinearWeights, rows: Int) {
    w.weight.withUnsafeBufferPointer { weight in
        if let bias = w.bias {
            bias.withUnsafeBufferPointer { b in
                linear(y, x, weight: weight.baseAddress!, bias: b.baseAddress!, m: rows, k: w.inputs, n: w.outputs)
            }
        } else {
            linear(y, x, weight: weight.baseAddress!, bias: nil, m: rows, k: w.inputs, n: w.outputs)
        }
    }
}
