// Shape letters: I MLP width.

/// The middle of a gated MLP (SwiGLU and kin): h[r, :] = act(gate[r, :]) ⊙ up[r, :].
///
/// `gateUp` holds each row's gate and up projections side by side (gate | up, 2I wide), the output of
/// one matrix product with the gate and up weights stacked as rows, like q | k | v in attention.
/// - Parameters:
///   - h: output [rows, I].
///   - gateUp: [rows, 2I].
func gatedActivation(
    _ h: UnsafeMutablePointer<Float>, _ gateUp: UnsafePointer<Float>, rows: Int, width i: Int, activation: Activation
) {
    for r in 0..<rows {
        let hr = h + r * i, gate = gateUp + r * 2 * i, up = gate + i
        hr.update(from: gate, count: i)
        activation.apply(hr, count: i)
        for j in 0..<i { hr[j] *= up[j] }
    }
}

/// Reference for `gatedActivation` in Double with the activation's reference.
func naiveGatedActivation(_ gateUp: [Float], rows: Int, width i: Int, activation: Activation) -> [Float] {
    var h = [Float](repeating: 0, count: rows * i)
    for r in 0..<rows {
        for j in 0..<i {
            h[r * i + j] = Float(Double(activation.reference(gateUp[r * 2 * i + j])) * Double(gateUp[r * 2 * i + i + j]))
        }
    }
    return h
}
