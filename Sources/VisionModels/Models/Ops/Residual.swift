/// x[r, :] += scale ⊙ y[r, :] for every row (scale [D], DINOv2's layer scale), or x += y when scale is nil.
/// - Parameters:
///   - x: residual stream [rows, D], updated in place.
///   - y: branch output [rows, D].
func addResidual(_ x: UnsafeMutablePointer<Float>, _ y: UnsafePointer<Float>, scale: UnsafePointer<Float>?, rows: Int, width d: Int) {
    if let scale {
        for r in 0..<rows {
            let xr = x + r * d, yr = y + r * d
            for k in 0..<d { xr[k] += scale[k] * yr[k] }
        }
    } else {
        for k in 0..<(rows * d) { x[k] += y[k] }
    }
}

/// The L2 norm of each row: out[r] = √(Σ_k x[r, k]²), accumulated in Double.
/// - Parameters:
///   - out: [rows].
///   - x: [rows, D].
func rowNorms(_ out: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, rows: Int, width d: Int) {
    for r in 0..<rows {
        var s: Double = 0
        for k in 0..<d {
            let v = Double(x[r * d + k])
            s += v * v
        }
        out[r] = Float(s.squareRoot())
    }
}
