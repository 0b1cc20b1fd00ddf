// Shape letters: C channels, Tp temporal patch, P patch size, gh × gw patch grid, G = gh·gw patches.

/// im2col for a Conv3d(C, D, (Tp, P, P), stride (Tp, P, P)) over a still image repeated `Tp` times
/// (Qwen2.5-VL's processor repeats a single image to fill the temporal patch).
///
/// Row g = gy·gw + gx holds the patch at (gy, gx) flattened in the order of the Conv3d weight
/// [D, C, Tp, P, P]: column ((c·Tp + f)·P + ky)·P + kx, where every frame f holds the same pixels.
/// The frames are copied rather than the weight summed over Tp, so the stored weight is used as is.
/// - Parameters:
///   - patches: output [G, C·Tp·P·P].
///   - pixels: input [C, height, width].
func im2colRepeatedFrames(
    _ patches: UnsafeMutablePointer<Float>, pixels: UnsafePointer<Float>,
    channels: Int, height: Int, width: Int, patch p: Int, frames tp: Int
) {
    let gh = height / p, gw = width / p
    let cols = channels * tp * p * p
    for gy in 0..<gh {
        for gx in 0..<gw {
            let row = patches + (gy * gw + gx) * cols
            for c in 0..<channels {
                for f in 0..<tp {
                    for ky in 0..<p {
                        let src = pixels + (c * height + gy * p + ky) * width + gx * p
                        (row + ((c * tp + f) * p + ky) * p).update(from: src, count: p)
                    }
                }
            }
        }
    }
}
