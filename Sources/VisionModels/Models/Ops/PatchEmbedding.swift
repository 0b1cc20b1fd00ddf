// Shape letters: C = 3 channels, P patch size, gh × gw patch grid, G = gh·gw patches.

/// Rearranges one CHW image into patch rows (im2col for a stride-P, kernel-P convolution).
///
/// Row g = gy·gw + gx holds the patch at (gy, gx) flattened in the order of a PyTorch Conv2d weight
/// [D, C, P, P]: column c·P·P + ky·P + kx. Pixels past the last whole patch are dropped, as the
/// convolution does when H or W is not a multiple of P.
/// - Parameters:
///   - patches: output [G, C·P·P].
///   - pixels: input [C, height, width].
func im2col(
    _ patches: UnsafeMutablePointer<Float>, pixels: UnsafePointer<Float>,
    channels: Int, height: Int, width: Int, patch p: Int
) {
    let gh = height / p, gw = width / p
    let cols = channels * p * p
    for gy in 0..<gh {
        for gx in 0..<gw {
            let row = patches + (gy * gw + gx) * cols
            for c in 0..<channels {
                for ky in 0..<p {
                    let src = pixels + (c * height + gy * p + ky) * width + gx * p
                    (row + (c * p + ky) * p).update(from: src, count: p)
                }
            }
        }
    }
}

/// Reference for `im2col` + linear: the convolution written out, out[g, o] = b[o] + Σ w[o, c, ky, kx] · x[c, y, x].
func naivePatchConvolution(
    pixels: [Float], weight: [Float], bias: [Float]?, channels: Int, height: Int, width: Int, patch p: Int, outChannels d: Int
) -> [Float] {
    let gh = height / p, gw = width / p
    var out = [Float](repeating: 0, count: gh * gw * d)
    for gy in 0..<gh {
        for gx in 0..<gw {
            for o in 0..<d {
                var s = Double(bias?[o] ?? 0)
                for c in 0..<channels {
                    for ky in 0..<p {
                        for kx in 0..<p {
                            let w = weight[((o * channels + c) * p + ky) * p + kx]
                            s += Double(w) * Double(pixels[(c * height + gy * p + ky) * width + gx * p + kx])
                        }
                    }
                }
                out[(gy * gw + gx) * d + o] = Float(s)
            }
        }
    }
    return out
}
