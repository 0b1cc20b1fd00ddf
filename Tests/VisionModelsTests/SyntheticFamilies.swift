import TestSupport

@testable import VisionModels

// Shape letters: T tokens, D hidden, I MLP width, L blocks, C channels, P patch size, G patches, R registers.

/// Tiny random-weight models for descriptions no checkpoint fixture covers yet (registers, RMSNorm,
/// gated MLPs, no CLS), stored under their structural names, with a naive forward to check against.
enum SyntheticFamily {
    /// A weight map that uses the structural names themselves (`blocks.0.attn.q.weight`).
    static let structuralMap = WeightMap { CheckpointTensor($0.description) }

    /// Every parameter `spec` needs, with its structural shape.
    static func shapes(_ s: ArchitectureDescription) -> [(ParameterName, [Int])] {
        let d = s.hiddenSize, i = s.intermediateSize, p = s.patchSize, c = s.channels, prefix = s.embedding.prefix
        var out: [(ParameterName, [Int])] = []
        func norm(_ n: Norm?, _ name: (ParameterPart) -> ParameterName) {
            guard let n else { return }
            out.append((name(.weight), [d]))
            if n.kind == .layerNorm { out.append((name(.bias), [d])) }
        }
        func linear(_ b: Int, _ m: ParameterName.BlockParameter, _ shape: [Int], bias: Bool) {
            out.append((.block(b, m, .weight), shape))
            if bias { out.append((.block(b, m, .bias), [shape[0]])) }
        }
        if prefix.cls == 1 { out.append((.embed(.cls), [d])) }
        if prefix.registers > 0 { out.append((.embed(.registers), [prefix.registers, d])) }
        switch s.embedding.patch {
        case .conv2d(let bias):
            out.append((.embed(.patch(.weight)), [d, c, p, p]))
            if bias { out.append((.embed(.patch(.bias)), [d])) }
        case .conv3d(let tp, let bias):
            out.append((.embed(.patch(.weight)), [d, c, tp, p, p]))
            if bias { out.append((.embed(.patch(.bias)), [d])) }
        }
        if case .rotary2D = s.embedding.positions {} else {
            out.append((.embed(.positions), [prefix.cls + s.trainedGrid * s.trainedGrid, d]))
        }
        norm(s.embedding.preNorm) { .embed(.preNorm($0)) }
        let block = s.block
        for b in 0..<s.layers {
            norm(block.norm) { .block(b, .norm1, $0) }
            for m in [ParameterName.BlockParameter.query, .key, .value] { linear(b, m, [d, d], bias: block.biases.qkv) }
            norm(block.qkNorm) { .block(b, .queryNorm, $0) }
            norm(block.qkNorm) { .block(b, .keyNorm, $0) }
            linear(b, .attentionOutput, [d, d], bias: block.biases.attentionOutput)
            if block.layerScale { out.append((.block(b, .layerScale1, .weight), [d])) }
            norm(block.norm) { .block(b, .norm2, $0) }
            if block.mlp == .gated { linear(b, .gate, [i, d], bias: block.biases.mlp) }
            linear(b, .fc1, [i, d], bias: block.biases.mlp)
            linear(b, .fc2, [d, i], bias: block.biases.mlp)
            if block.layerScale { out.append((.block(b, .layerScale2, .weight), [d])) }
        }
        norm(s.finalNorm) { .finalNorm($0) }
        return out
    }

    /// Random weights for `spec` under structural names; norm gains near 1 so the stream stays tame.
    static func weights(_ s: ArchitectureDescription, seed: UInt64) -> ModelWeights {
        var rng = TestRandom(seed: seed)
        var w = ModelWeights(source: "synthetic")
        for (name, shape) in shapes(s) {
            let isGain = "\(name)".hasSuffix("norm1.weight") || "\(name)".hasSuffix("norm2.weight") || "\(name)".hasPrefix("final_norm.weight")
            let values = (0..<shape.reduce(1, *)).map { _ in Float(rng.normal()) * 0.5 + (isGain ? 1 : 0) }
            w.set("\(name)", shape: shape, values: values)
        }
        return w
    }

    /// The forward written from the definitions with the naive ops, one image [C, size, size].
    /// - Returns: hidden states [L+1][T·D], received attention [L][T], and the final norm's output.
    static func naiveForward(_ s: ArchitectureDescription, _ weights: ModelWeights, pixels: [Float], size: Int)
        -> (hidden: [[Float]], received: [[Float]], last: [Float]?)
    {
        let w = { (name: String) -> [Float] in weights.entries[name]!.values }
        let has = { (name: String) -> Bool in weights.contains(name) }
        let d = s.hiddenSize, i = s.intermediateSize, prefix = s.embedding.prefix
        let g = (size / s.patchSize) * (size / s.patchSize), t = prefix.count + g
        func norm(_ x: [Float], _ n: Norm, _ name: String) -> [Float] {
            switch n.kind {
            case .layerNorm: return naiveLayerNorm(x, gamma: w(name + ".weight"), beta: w(name + ".bias"), rows: t, width: d, eps: n.eps)
            case .rmsNorm: return naiveRMSNorm(x, gamma: w(name + ".weight"), rows: t, width: d, eps: n.eps)
            }
        }
        func linear(_ x: [Float], _ name: String, inputs: Int, outputs: Int) -> [Float] {
            naiveLinear(x, weight: w(name + ".weight"), bias: has(name + ".bias") ? w(name + ".bias") : nil, m: t, k: inputs, n: outputs)
        }
        let patches = naivePatchConvolution(
            pixels: pixels, weight: w("embed.patch.weight"), bias: has("embed.patch.bias") ? w("embed.patch.bias") : nil,
            channels: s.channels, height: size, width: size, patch: s.patchSize, outChannels: d)
        // Rows: CLS (+ its position), registers (no position), patches (+ positions).
        var x: [Float] = []
        let positions = w("embed.positions")
        if prefix.cls == 1 { x += zip(w("embed.cls"), positions[0..<d]).map(+) }
        if prefix.registers > 0 { x += w("embed.registers") }
        x += zip(patches, positions[(prefix.cls * d)...]).map(+)
        if let pre = s.embedding.preNorm { x = norm(x, pre, "embed.pre_norm") }

        var hidden = [x], received: [[Float]] = []
        for b in 0..<s.layers {
            let n = "blocks.\(b)."
            var h = norm(x, s.block.norm, n + "norm1")
            let attention = naiveAttention(
                q: linear(h, n + "attn.q", inputs: d, outputs: d), k: linear(h, n + "attn.k", inputs: d, outputs: d),
                v: linear(h, n + "attn.v", inputs: d, outputs: d), tokens: t, heads: s.heads, width: d)
            received.append(attention.received)
            var branch = linear(attention.context, n + "attn.out", inputs: d, outputs: d)
            let s1 = s.block.layerScale ? w(n + "ls1.weight") : [Float](repeating: 1, count: d)
            for k in 0..<(t * d) { x[k] += s1[k % d] * branch[k] }

            h = norm(x, s.block.norm, n + "norm2")
            let act = s.block.activation
            var mid = linear(h, n + "mlp.fc1", inputs: d, outputs: i)
            if s.block.mlp == .gated {
                let gate = linear(h, n + "mlp.gate", inputs: d, outputs: i)
                mid = zip(gate, mid).map { act.reference($0) * $1 }
            } else {
                mid = mid.map(act.reference)
            }
            branch = linear(mid, n + "mlp.fc2", inputs: i, outputs: d)
            let s2 = s.block.layerScale ? w(n + "ls2.weight") : [Float](repeating: 1, count: d)
            for k in 0..<(t * d) { x[k] += s2[k % d] * branch[k] }
            hidden.append(x)
        }
        return (hidden, received, s.finalNorm.map { norm(x, $0, "final_norm") })
    }
}
