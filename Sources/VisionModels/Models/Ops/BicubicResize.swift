import Foundation

/// Resizes a [rows, cols, D] grid of vectors to [outRows, outCols, D] with bicubic interpolation,
/// the way `torch.nn.functional.interpolate(mode="bicubic", align_corners=False)` does (HF's
/// `interpolate_pos_encoding`; the ONNX export records it as Resize cubic, a = -0.75, half_pixel):
/// source coordinate (o + 0.5) · in/out - 0.5, the Keys kernel with a = -0.75, four taps per axis,
/// tap indices clamped to the edge. No antialiasing, also when shrinking.
///
/// With `antialias` it is `interpolate(mode="bicubic", align_corners=False, antialias=True)` instead
/// (HF's `dinov2_with_registers`): see `antialiasedBicubicWeights`.
///
/// The resize is separable, so it is done as two 1-D passes with small weight matrices.
/// - Parameters:
///   - grid: [rows · cols · D], row-major (row, col, channel).
/// - Returns: [outRows · outCols · D].
func bicubicResize(_ grid: [Float], rows: Int, cols: Int, channels d: Int, outRows: Int, outCols: Int, antialias: Bool = false) -> [Float] {
    if rows == outRows && cols == outCols { return grid }
    let weights = antialias ? antialiasedBicubicWeights : bicubicWeights
    let wr = weights(rows, outRows)   // [outRows, rows]
    let wc = weights(cols, outCols)   // [outCols, cols]
    // Pass 1 along rows: tmp[o, c, :] = Σ_r wr[o, r] · grid[r, c, :]
    var tmp = [Double](repeating: 0, count: outRows * cols * d)
    for o in 0..<outRows {
        for r in 0..<rows where wr[o * rows + r] != 0 {
            let w = wr[o * rows + r]
            for c in 0..<cols {
                for k in 0..<d { tmp[(o * cols + c) * d + k] += w * Double(grid[(r * cols + c) * d + k]) }
            }
        }
    }
    // Pass 2 along columns: out[o, p, :] = Σ_c wc[p, c] · tmp[o, c, :]
    var out = [Float](repeating: 0, count: outRows * outCols * d)
    for o in 0..<outRows {
        for p in 0..<outCols {
            for c in 0..<cols where wc[p * cols + c] != 0 {
                let w = wc[p * cols + c]
                for k in 0..<d { out[(o * outCols + p) * d + k] += Float(w * tmp[(o * cols + c) * d + k]) }
            }
        }
    }
    return out
}

/// The 1-D bicubic interpolation matrix [output, input]; taps falling outside are folded onto the edge.
func bicubicWeights(input n: Int, output m: Int) -> [Double] {
    var w = [Double](repeating: 0, count: m * n)
    let scale = Double(n) / Double(m)
    for o in 0..<m {
        let src = (Double(o) + 0.5) * scale - 0.5
        let base = src.rounded(.down)
        let frac = src - base
        for tap in -1...2 {
            let index = min(max(Int(base) + tap, 0), n - 1)
            w[o * n + index] += keysCubic(Double(tap) - frac)
        }
    }
    return w
}

/// PyTorch's antialiased bicubic matrix [output, input] (`_compute_weights_aa` in
/// aten/src/ATen/native/cpu/UpSampleKernel.cpp, the same scheme as Pillow's resize): scale = in/out;
/// output o is centred at scale · (o + 0.5); the support is 2 taps each side, times the scale when
/// shrinking, with the kernel's argument divided by the scale then; taps are the inputs j in
/// [trunc(centre − support + 0.5), trunc(centre + support + 0.5)) clamped to the grid, weighted by
/// Keys' kernel with a = −0.5 at (j − centre + 0.5) / max(scale, 1), and normalised to sum 1.
func antialiasedBicubicWeights(input n: Int, output m: Int) -> [Double] {
    var w = [Double](repeating: 0, count: m * n)
    let scale = Double(n) / Double(m)
    let support = scale >= 1 ? 2 * scale : 2.0
    let invScale = scale >= 1 ? 1 / scale : 1.0
    for o in 0..<m {
        let center = scale * (Double(o) + 0.5)
        let lo = max(Int(center - support + 0.5), 0), hi = min(Int(center + support + 0.5), n)
        var total = 0.0
        for j in lo..<max(hi, lo) {
            let v = keysCubic((Double(j) - center + 0.5) * invScale, a: -0.5)
            w[o * n + j] = v
            total += v
        }
        if total != 0 { for j in lo..<max(hi, lo) { w[o * n + j] /= total } }
    }
    return w
}

/// Keys' cubic convolution kernel with a = -0.75 (PyTorch's and onnxruntime's choice).
func keysCubic(_ x: Double, a: Double = -0.75) -> Double {
    let x = abs(x)
    if x <= 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
    if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
    return 0
}
