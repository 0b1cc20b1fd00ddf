/// y[r, :] = x[r, :] / √(mean(x[r, :]²) + eps) · gamma for each of the `rows` rows of width D
/// (RMSNorm, Zhang & Sennrich 2019; HF's `Qwen2RMSNorm` and InternViT's RMSNorm).
///
/// No mean is subtracted and there is no bias. The sum of squares is accumulated in Double (as in
/// `layerNorm`) so long rows do not lose precision. `y` may alias `x`.
/// - Parameters:
///   - y: output [rows, D].
///   - x: input [rows, D].
///   - gamma: [D].
func rmsNorm(
    _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, gamma: UnsafePointer<Float>, rows: Int, width d: Int, eps: Float
) {
    for r in 0..<rows {
        let xr = x + r * d, yr = y + r * d
        var sq: Double = 0
        for i in 0..<d {
            let v = Double(xr[i])
            sq += v * v
        }
        let inv = 1 / (Float(sq / Double(d)) + eps).squareRoot()
        for i in 0..<d { yr[i] = xr[i] * inv * gamma[i] }
    }
}

/// Reference for `rmsNorm`, entirely in Double, straight from the definition.
func naiveRMSNorm(_ x: [Float], gamma: [Float], rows: Int, width d: Int, eps: Float) -> [Float] {
    var y = [Float](repeating: 0, count: rows * d)
    for r in 0..<rows {
        let row = x[(r * d)..<((r + 1) * d)].map(Double.init)
        let meanSquare = row.map { $0 * $0 }.reduce(0, +) / Double(d)
        for i in 0..<d { y[r * d + i] = Float(row[i] / (meanSquare + Double(eps)).squareRoot() * Double(gamma[i])) }
    }
    return y
}
