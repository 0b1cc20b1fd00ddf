import VisionModels

// Shape letters: b images per batch, T tokens of one image (prefix + G patches), G = gh·gw patches,
// D hidden, H heads, hd = D/H, I MLP width, K = C·Tp·P·P values per patch, Tw tokens of one window,
// D_llm the merger's output width.

/// One matrix product shape, `C[m, n] = A[m, k] · B[k, n]`, run `calls` times.
public struct GEMMShape: Sendable, Codable, Hashable {
    public var m: Int
    public var n: Int
    public var k: Int
    public var calls: Int

    public init(m: Int, n: Int, k: Int, calls: Int = 1) {
        self.m = m
        self.n = n
        self.k = k
        self.calls = calls
    }

    /// 2·m·n·k per call (a multiply and an add per term), times the calls.
    public var flops: Double { 2 * Double(m) * Double(n) * Double(k) * Double(calls) }
}

/// The matrix products of one forward over a batch of `b` images, as SinkScope runs them: the
/// projections over all b·T rows at once, the attention per image, head and window. Everything else
/// (norms, softmax, activations, rotary, residuals) is left out: it is O(T·D) per block, not a GEMM,
/// so the sum is the work a forward cannot avoid and its time at the measured sgemm rate is a floor.
///
/// Per batch:
///
///     patch embedding     [b·G, K] · [K, D]
///     per block           qkv [b·T, D]·[D, 3D]   output [b·T, D]·[D, D]
///                         MLP plain: [b·T, D]·[D, I] and [b·T, I]·[I, D]; gated: [b·T, D]·[D, 2I] and [b·T, I]·[I, D]
///                         attention, per image, head and window of Tw tokens: QKᵀ [Tw, hd]·[hd, Tw], PV [Tw, Tw]·[Tw, hd]
///                         (a full-attention block has one window of T tokens)
///     merger (if run)     [b·G/4, 4D]·[4D, 4D] and [b·G/4, 4D]·[4D, D_llm]
public struct ForwardGEMMs: Sendable, Codable, Equatable {
    /// Every product of one batch, equal shapes merged (their calls added).
    public var shapes: [GEMMShape]
    public var batch: Int

    /// FLOPs of the products per image.
    public var flopsPerImage: Double { shapes.reduce(0) { $0 + $1.flops } / Double(batch) }

    /// The shapes of one model at one input.
    /// - Parameters:
    ///   - windowSizes: per block, the token count of each attention window of one image ([T] for full attention).
    ///   - mergerOutputs: D_llm when the patch merger runs, else nil.
    public init(batch b: Int, tokens t: Int, patches g: Int, patchValues k: Int, hidden d: Int, heads h: Int,
                intermediate i: Int, gated: Bool, windowSizes: [[Int]], mergerOutputs: Int? = nil) {
        let hd = d / h
        var list = [GEMMShape(m: b * g, n: d, k: k)]
        for windows in windowSizes {
            list += [GEMMShape(m: b * t, n: 3 * d, k: d), GEMMShape(m: b * t, n: d, k: d),
                     GEMMShape(m: b * t, n: gated ? 2 * i : i, k: d), GEMMShape(m: b * t, n: d, k: i)]
            for tw in windows {
                list += [GEMMShape(m: tw, n: tw, k: hd, calls: b * h), GEMMShape(m: tw, n: hd, k: tw, calls: b * h)]
            }
        }
        if let out = mergerOutputs {
            list += [GEMMShape(m: b * g / 4, n: 4 * d, k: 4 * d), GEMMShape(m: b * g / 4, n: out, k: 4 * d)]
        }
        var merged: [GEMMShape] = []
        for s in list {
            if let j = merged.firstIndex(where: { $0.m == s.m && $0.n == s.n && $0.k == s.k }) { merged[j].calls += s.calls } else { merged.append(s) }
        }
        shapes = merged
        batch = b
    }

    /// The shapes of `spec` at a `gridRows` × `gridCols` patch grid.
    public init(spec: ArchitectureDescription, gridRows gh: Int, gridCols gw: Int, batch: Int, mergerOutputs: Int? = nil) {
        let g = gh * gw, t = spec.prefixTokens + g
        var temporal = 1
        if case let .conv3d(tp, _) = spec.embedding.patch { temporal = tp }
        let windows: [[Int]] = (0..<spec.layers).map { block in
            guard case let .windowed(w, full) = spec.block.attention, !full.contains(block) else { return [t] }
            return Self.windowTokens(prefix: spec.prefixTokens, gridRows: gh, gridCols: gw, window: w)
        }
        self.init(batch: batch, tokens: t, patches: g, patchValues: spec.channels * temporal * spec.patchSize * spec.patchSize,
                  hidden: spec.hiddenSize, heads: spec.heads, intermediate: spec.intermediateSize, gated: spec.block.mlp == .gated,
                  windowSizes: windows, mergerOutputs: mergerOutputs)
    }

    /// Token counts of the windows that tile a gh × gw grid from its top-left corner in w × w squares
    /// (the last row and column may be smaller), after one group of the prefix tokens if any — the
    /// tiling of `VisionModels.attentionWindows`.
    static func windowTokens(prefix: Int, gridRows gh: Int, gridCols gw: Int, window w: Int) -> [Int] {
        var sizes = prefix > 0 ? [prefix] : []
        for top in stride(from: 0, to: gh, by: w) {
            for left in stride(from: 0, to: gw, by: w) { sizes.append((min(top + w, gh) - top) * (min(left + w, gw) - left)) }
        }
        return sizes
    }
}
