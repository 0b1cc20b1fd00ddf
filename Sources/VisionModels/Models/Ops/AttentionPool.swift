import Foundation

// Shape letters: T tokens of one image, D hidden, H heads, hd = D / H, I MLP width.

/// SigLIP's attention-pooling head (HF `SiglipMultiheadAttentionPoolingHead`): a learned probe query
/// attends over the tokens of `last_hidden_state` (`nn.MultiheadAttention`), then a residual MLP:
///
///     r = W_o · MHA(probe, x, x) + b_o
///     pooled = r + fc2(act(fc1(LayerNorm(r))))
///
/// It acts after the token sequence, so its output is an extra vector per image, not a token.
struct AttentionPoolWeights: Sendable {
    var probe: [Float]                   // [D]
    var inProjection: LinearWeights      // [3D, D]: q | k | v rows (nn.MultiheadAttention's in_proj)
    var outProjection: LinearWeights     // [D, D]
    var norm: NormWeights                // LayerNorm [D]
    var eps: Float
    var fc1: LinearWeights               // [I, D]
    var fc2: LinearWeights               // [D, I]

    /// Reads `root`probe, attention.in_proj_{weight,bias}, attention.out_proj.*, layernorm.*, mlp.fc1.*, mlp.fc2.*.
    init(weights: ModelWeights, root: String, width d: Int, mlpWidth i: Int, eps: Float) throws {
        func linear(_ name: String, _ outputs: Int, _ inputs: Int) throws -> LinearWeights {
            LinearWeights(weight: ParameterValues(try weights.tensor(name + ".weight", shape: [outputs, inputs])),
                          bias: try weights.tensor(name + ".bias", shape: [outputs]), outputs: outputs, inputs: inputs)
        }
        probe = try weights.tensor(root + "probe", shape: [1, 1, d])
        inProjection = LinearWeights(
            weight: ParameterValues(try weights.tensor(root + "attention.in_proj_weight", shape: [3 * d, d])),
            bias: try weights.tensor(root + "attention.in_proj_bias", shape: [3 * d]), outputs: 3 * d, inputs: d)
        outProjection = try linear(root + "attention.out_proj", d, d)
        norm = .layerNorm(gamma: try weights.tensor(root + "layernorm.weight", shape: [d]),
                          beta: try weights.tensor(root + "layernorm.bias", shape: [d]))
        self.eps = eps
        fc1 = try linear(root + "mlp.fc1", i, d)
        fc2 = try linear(root + "mlp.fc2", d, i)
    }

    /// The pooled vector [D] of one image's tokens x [T, D].
    func pool(_ x: UnsafePointer<Float>, tokens t: Int, heads h: Int, activation: Activation) -> [Float] {
        let d = probe.count, hd = d / h
        let w = inProjection.weight, b = inProjection.bias!
        // q [D] = W_q · probe + b_q (rows 0..<D of in_proj); K, V [T, D] from rows D..<2D and 2D..<3D.
        var q = [Float](repeating: 0, count: d)
        for j in 0..<d {
            var s = Double(b[j])
            for c in 0..<d { s += Double(w[j * d + c]) * Double(probe[c]) }
            q[j] = Float(s)
        }
        var k = [Float](repeating: 0, count: t * d), v = [Float](repeating: 0, count: t * d)
        b.withUnsafeBufferPointer { bp in
            VisionModels.linear(&k, x, weight: w.base + d * d, bias: bp.baseAddress! + d, m: t, k: d, n: d)
            VisionModels.linear(&v, x, weight: w.base + 2 * d * d, bias: bp.baseAddress! + 2 * d, m: t, k: d, n: d)
        }
        // Per head: p = softmax(q_h · K_hᵀ / √hd), o_h = p · V_h (in Double: T is small, this runs once per image).
        var context = [Float](repeating: 0, count: d)
        for head in 0..<h {
            var logits = [Double](repeating: 0, count: t)
            for j in 0..<t {
                var s = 0.0
                for c in 0..<hd { s += Double(q[head * hd + c]) * Double(k[j * d + head * hd + c]) }
                logits[j] = s / Double(hd).squareRoot()
            }
            let m = logits.max() ?? 0
            let e = logits.map { Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for c in 0..<hd {
                var s = 0.0
                for j in 0..<t { s += e[j] / z * Double(v[j * d + head * hd + c]) }
                context[head * hd + c] = Float(s)
            }
        }
        var r = [Float](repeating: 0, count: d)
        VisionModels.linear(&r, context, weight: outProjection.weight.base, bias: outProjection.bias, m: 1, k: d, n: d)
        var normed = [Float](repeating: 0, count: d)
        if case let .layerNorm(gamma, beta) = norm { layerNorm(&normed, r, gamma: gamma, beta: beta, rows: 1, width: d, eps: eps) }
        var hidden = [Float](repeating: 0, count: fc1.outputs)
        VisionModels.linear(&hidden, normed, weight: fc1.weight.base, bias: fc1.bias, m: 1, k: d, n: fc1.outputs)
        hidden.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, count: $0.count) }
        var out = [Float](repeating: 0, count: d)
        VisionModels.linear(&out, hidden, weight: fc2.weight.base, bias: fc2.bias, m: 1, k: fc1.outputs, n: d)
        for j in 0..<d { out[j] += r[j] }
        return out
    }
}
