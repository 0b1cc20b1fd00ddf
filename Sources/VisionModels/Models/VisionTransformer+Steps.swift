import Support

// Shape letters: n images in the batch, T tokens per image, D hidden, H heads, G0 trained patch grid side.

// MARK: - Checks and positions

extension VisionTransformer {
    /// The learned position embeddings for a gh × gw grid, [cls + gh·gw, D]: the class token's row
    /// unchanged, the patch grid resized bicubically when it differs from the trained G0 × G0 (only
    /// with `.interpolated` or `.interpolatedAntialiased` positions); nil when positions are rotary.
    /// - Throws: `ModelError.badInput` when absolute positions meet a grid they were not trained at.
    func positionEmbeddings(gridRows gh: Int, gridCols gw: Int) throws -> [Float]? {
        guard let table = embeddings.positions else { return nil }
        let prefix = spec.embedding.prefix.cls * spec.hiddenSize, g0 = embeddings.positionGrid
        if gh == g0 && gw == g0 { return table }
        let scheme = spec.embedding.positions
        guard scheme == .interpolated || scheme == .interpolatedAntialiased else {
            throw ModelError.badInput(
                reason: "\(spec.architecture) needs \(spec.imageSize)×\(spec.imageSize) input (a \(g0)×\(g0) patch grid), got a \(gh)×\(gw) grid")
        }
        let grid = Array(table[prefix...])
        return Array(table[..<prefix]) + bicubicResize(grid, rows: g0, cols: g0, channels: spec.hiddenSize, outRows: gh, outCols: gw,
                                                   antialias: scheme == .interpolatedAntialiased)
    }

    func checkInput(count: Int, images n: Int, height: Int, width: Int) throws {
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

    /// Extra tokens (test-time registers) need a position-free, full-attention tower whose captures have one row per token.
    func checkExtraTokens(capture: CaptureRequest, rotary: Bool, gridRows gh: Int, gridCols gw: Int) throws {
        func refuse(_ feature: String) -> ModelError { .notImplemented(architecture: spec.architecture, feature: feature) }
        if rotary { throw refuse("extra tokens (test-time registers) with rotary positions") }
        if (0..<spec.layers).contains(where: { attentionWindows(block: $0, gridRows: gh, gridCols: gw) != nil }) || merger != nil {
            throw refuse("extra tokens (test-time registers) with windowed attention or a patch merger")
        }
        if !capture.attentionLayers.isEmpty { throw refuse("whole attention maps with extra tokens (test-time registers)") }
    }
}

// MARK: - Steps of the forward

extension VisionTransformer {
    /// Computes the token norms of the stream x [n·T, D] (always: the store keeps them for every
    /// layer) and keeps x under `point` when that hook point is wanted.
    func record(
        _ point: HookPoint, _ x: FloatBuffer, _ norms: FloatBuffer, tokens t: Int, hooks: Set<HookPoint>, threads: Int,
        into out: inout [ImageCapture]
    ) {
        let d = spec.hiddenSize
        parallelFor(out.count * t, threads: threads) { r in
            rowNorms(norms.pointer + r.lowerBound, x.pointer + r.lowerBound * d, rows: r.count, width: d)
        }
        let keeps = hooks.contains(point)
        for image in out.indices {
            let extra = out[image].extra?.count ?? 0, rowNorms = norms.array(offset: image * t, count: t)
            out[image].norms += rowNorms.prefix(t - extra)
            out[image].extra?.norms += rowNorms.suffix(extra)
            if keeps { out[image].keep(point, x.array(offset: image * t * d, count: t * d), tokens: t - extra, width: d) }
        }
    }

    /// Attention for every image and head, spread over `threads` workers (one task per image × head).
    /// - Parameters:
    ///   - context: output [n·T, D].
    ///   - qkv: [n·T, 3D].
    ///   - received: [n, H, T] zeroed partials (head h of image i at (i·H + h)·T), or nil.
    ///   - probs: per image [H, T, T], or nil.
    ///   - scratch: [workers, T, T] scores of the head each worker is on when `probs` is nil, allocated
    ///     once per forward (`attentionScratch`) rather than per layer or task: fresh memory costs a page
    ///     fault per 4 KiB, about a quarter of an extraction's faults when it was allocated per task.
    ///   - logitsHook, patternHook: `ForwardHooks` scores hooks run on each head's logits / probabilities.
    func multiHeadAttention(
        _ context: FloatBuffer, _ qkv: FloatBuffer, images n: Int, tokens t: Int, received: FloatBuffer?, probs: [FloatBuffer]?,
        scratch: FloatBuffer, threads: Int, logitsHook: ScoresHook? = nil, patternHook: ScoresHook? = nil
    ) {
        let d = spec.hiddenSize, heads = spec.heads
        precondition(probs != nil || scratch.count >= attentionWorkers(images: n, threads: threads) * t * t, "attention scratch too small")
        // Several chunks per worker: one image × head is too little to even out workers of different speed.
        parallelForWorkers(n * heads, threads: threads, chunksPerWorker: 4) { tasks, worker in
            let scores = scratch.pointer + worker * t * t
            for task in tasks {
                let image = task / heads, head = task % heads
                attentionHead(
                    context.pointer + image * t * d, qkv: qkv.pointer + image * t * 3 * d, head: head, tokens: t, heads: heads,
                    width: d, scores: probs.map { $0[image].pointer + head * t * t } ?? scores,
                    received: received.map { $0.pointer + task * t }, receivedWeight: 1 / Float(heads),
                    logitsHook: logitsHook.map { hook in { hook($0, image, head, t) } },
                    patternHook: patternHook.map { hook in { hook($0, image, head, t) } })
            }
        }
    }

    /// Workers `multiHeadAttention` runs on (one task per image × head), so `attentionScratch` has a slice for each.
    func attentionWorkers(images n: Int, threads: Int) -> Int { max(1, min(threads, n * spec.heads)) }

    /// Σ over heads of the per-head received partials of one image (already weighted by 1/H): [T].
    func headMean(_ received: FloatBuffer, image: Int, heads: Int, tokens t: Int) -> [Float] {
        var sum = [Float](repeating: 0, count: t)
        for head in 0..<heads {
            let p = received.pointer + (image * heads + head) * t
            for j in 0..<t { sum[j] += p[j] }
        }
        return sum
    }
}

// MARK: - Row-parallel wrappers of the ops

/// `layerNorm` or `rmsNorm` over the rows of a [rows, D] buffer, split across workers; y may be x.
func normalize(_ y: FloatBuffer, _ x: FloatBuffer, _ norm: Norm, _ w: NormWeights, rows: Int, width d: Int, threads: Int) {
    parallelFor(rows, threads: threads) { r in
        let yr = y.pointer + r.lowerBound * d, xr = x.pointer + r.lowerBound * d
        switch w {
        case let .layerNorm(gamma, beta):
            layerNorm(yr, xr, gamma: gamma, beta: beta, rows: r.count, width: d, eps: norm.eps)
        case let .rmsNorm(gamma):
            rmsNorm(yr, xr, gamma: gamma, rows: r.count, width: d, eps: norm.eps)
        }
    }
}

/// `addResidual` over the rows of [rows, D] buffers, split across workers.
func parallelResidual(_ x: FloatBuffer, _ y: FloatBuffer, scale: [Float]?, rows: Int, width d: Int, threads: Int) {
    parallelFor(rows, threads: threads) { r in
        let offset = r.lowerBound * d
        if let scale {
            addResidual(x.pointer + offset, y.pointer + offset, scale: scale, rows: r.count, width: d)
        } else {
            addResidual(x.pointer + offset, y.pointer + offset, scale: nil, rows: r.count, width: d)
        }
    }
}

/// `linear` on a weights struct, y[rows, outputs] = x[rows, inputs] · Wᵀ + b, cut into single-threaded
/// sgemms on blocks of y (`GEMMSplit`) that `threads` workers take as they become free.
/// - Parameter ldy: y's row stride when y is a column block of a wider buffer (default `outputs`).
func linear(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ w: LinearWeights, rows: Int, threads: Int, ldy: Int? = nil) {
    let ldc = ldy ?? w.outputs, k = w.inputs
    let weight = w.weight.base, bias = w.bias
    let split = GEMMSplit(rows: rows, columns: w.outputs, threads: threads)
    parallelTasks(split.pieces.count, threads: threads) { i in
        let rows = split.pieces[i].rows, columns = split.pieces[i].columns
        let yp = y + rows.lowerBound * ldc + columns.lowerBound, xp = x + rows.lowerBound * k, wp = weight + columns.lowerBound * k
        if let bias {
            bias.withUnsafeBufferPointer { b in
                linear(yp, xp, weight: wp, bias: b.baseAddress! + columns.lowerBound, m: rows.count, k: k, n: columns.count, ldy: ldc)
            }
        } else {
            linear(yp, xp, weight: wp, bias: nil, m: rows.count, k: k, n: columns.count, ldy: ldc)
        }
    }
}

/// `linear` of each part of a stack into its column block of y [rows, stack.outputs].
func linear(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ stack: LinearStack, rows: Int, threads: Int) {
    var column = 0
    for part in stack.parts {
        linear(y + column, x, part, rows: rows, threads: threads, ldy: stack.outputs)
        column += part.outputs
    }
}
