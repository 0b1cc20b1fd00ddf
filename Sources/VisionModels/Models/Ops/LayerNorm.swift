import CVectorMath

/// y[r, :] = (x[r, :] - mean) / sqrt(var + eps) · gamma + beta for each of the `rows` rows of width D.
///
/// Biased variance (divide by D), computed in two passes over the row in Float like PyTorch and
/// onnxruntime, with the sums accumulated in Double so long rows do not lose precision. It runs in
/// CVectorMath (`ss_layer_norm`), with 8 partial sums a row so that the sums vectorise: a serial
/// Double sum costs an add's latency per element, and was 2 % of a DINOv2-S extraction.
/// `y` may alias `x`.
/// - Parameters:
///   - y: output [rows, D].
///   - x: input [rows, D].
///   - gamma, beta: [D].
func layerNorm(
    _ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, rows: Int, width d: Int, eps: Float
) {
    ss_layer_norm(y, x, gamma, beta, rows, d, eps)
}

/// Reference for `layerNorm`, entirely in Double, straight from the definition.
func naiveLayerNorm(_ x: [Float], gamma: [Float], beta: [Float], rows: Int, width d: Int, eps: Float) -> [Float] {
    var y = [Float](repeating: 0, count: rows * d)
    for r in 0..<rows {
        let row = x[(r * d)..<((r + 1) * d)].map(Double.init)
        let mean = row.reduce(0, +) / Double(d)
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(d)
        for i in 0..<d {
            y[r * d + i] = Float((row[i] - mean) / (variance + Double(eps)).squareRoot() * Double(gamma[i]) + Double(beta[i]))
        }
    }
    return y
}
