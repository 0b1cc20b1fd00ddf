import Foundation

// Shape letters: T tokens (= G patches, no prefix), D hidden, gh × gw patch grid, U = G/4 merge units,
// D_llm the LLM's width.

/// Qwen2.5-VL's patch merger (HF `Qwen2_5_VLPatchMerger`): what the LLM receives from the tower.
///
///     for each 2×2 unit (R, C), row-major over gh/2 × gw/2:
///       u = [ln_q(x[2R, 2C]) ‖ ln_q(x[2R, 2C+1]) ‖ ln_q(x[2R+1, 2C]) ‖ ln_q(x[2R+1, 2C+1])]   [4D]
///       merged[R·gw/2 + C] = W2 · gelu(W1 · u + b1) + b2                                   [D_llm]
///
/// ln_q is an RMSNorm (eps 1e-6); gelu is the erf form. The unit order is HF's output order (after
/// its `reverse_indices` undo the window permutation).
struct PatchMerger: Sendable {
    var norm: [Float]              // ln_q.weight [D]
    var fc1: LinearWeights         // mlp.0 [4D, 4D]
    var fc2: LinearWeights         // mlp.2 [D_llm, 4D]
    let merge: Int

    init(weights: ModelWeights, root: String, width d: Int, merge m: Int, outputs: Int) throws {
        let u = d * m * m
        norm = try weights.tensor(root + "ln_q.weight", shape: [d])
        fc1 = LinearWeights(
            weight: ParameterValues(try weights.tensor(root + "mlp.0.weight", shape: [u, u])), bias: try weights.tensor(root + "mlp.0.bias", shape: [u]),
            outputs: u, inputs: u)
        fc2 = LinearWeights(
            weight: ParameterValues(try weights.tensor(root + "mlp.2.weight", shape: [outputs, u])),
            bias: try weights.tensor(root + "mlp.2.bias", shape: [outputs]), outputs: outputs, inputs: u)
        merge = m
    }

    /// The merged tokens of one image, [U, D_llm], from its block-L output x [T, D] in grid order.
    func callAsFunction(_ x: UnsafePointer<Float>, gridRows gh: Int, gridCols gw: Int, width d: Int, threads: Int) -> [Float] {
        let m = merge, uh = gh / m, uw = gw / m, units = uh * uw, u = d * m * m
        let gathered = FloatBuffer(units * u)      // [U, 4D]
        for r in 0..<uh {
            for c in 0..<uw {
                for k in 0..<(m * m) {
                    let token = (r * m + k / m) * gw + (c * m + k % m)
                    (gathered.pointer + (r * uw + c) * u + k * d).update(from: x + token * d, count: d)
                }
            }
        }
        norm.withUnsafeBufferPointer { gamma in
            rmsNorm(gathered.pointer, gathered.pointer, gamma: gamma.baseAddress!, rows: units * m * m, width: d, eps: 1e-6)
        }
        let hidden = FloatBuffer(units * u)
        linear(hidden.pointer, gathered.pointer, fc1, rows: units, threads: threads)
        Activation.gelu.apply(hidden.pointer, count: units * u)
        let out = FloatBuffer(units * fc2.outputs)
        linear(out.pointer, hidden.pointer, fc2, rows: units, threads: threads)
        return out.array(count: units * fc2.outputs)
    }
}
