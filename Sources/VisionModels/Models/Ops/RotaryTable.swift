import Support
import Foundation

// Shape letters: T tokens of one image, G = gh·gw patch tokens, D hidden, H heads, hd = D / H head width.

/// The cos and sin of the 2-D rotary angles of every patch token, [G, hd] each, in row-major grid
/// order (the order SinkScope computes in for every family).
///
/// Per patch (r, c) with coordinates (y, x) (`RotaryCoordinates`) and hd/4 frequencies
/// f_i = θ^(-4i/hd) (HF: `1 / θ ** arange(0, 1, 4/hd)` in DINOv3, `1 / θ ** (arange(0, hd/2, 2) / (hd/2))`
/// in Qwen2.5-VL — the same numbers): angles a = (y·f_0 … y·f_{hd/4-1}, x·f_0 … x·f_{hd/4-1}),
/// repeated twice to hd values. The angles are computed in Float as HF does (float32 `inv_freq`,
/// float32 products), then cos and sin.
struct RotaryTable: Sendable {
    var cos: [Float]
    var sin: [Float]
    let headWidth: Int

    init(gridRows gh: Int, gridCols gw: Int, headWidth hd: Int, theta: Float, coordinates: RotaryCoordinates) {
        headWidth = hd
        let quarter = hd / 4
        // inv_freq in float32, as torch computes it (the power in float32).
        let inverse: [Float] = (0..<quarter).map { i in 1 / powf(theta, Float(4 * i) / Float(hd)) }
        cos = [Float](repeating: 1, count: gh * gw * hd)
        sin = [Float](repeating: 0, count: gh * gw * hd)
        for r in 0..<gh {
            for c in 0..<gw {
                let (y, x) = Self.coordinate(row: r, col: c, gridRows: gh, gridCols: gw, coordinates)
                let base = (r * gw + c) * hd
                for i in 0..<quarter {
                    let ay: Float, ax: Float
                    switch coordinates {
                    case .patchIndex: ay = y * inverse[i]; ax = x * inverse[i]
                    // HF: 2π · coords · inv_freq, evaluated left to right in float32.
                    case .normalizedCenter: ay = 2 * Float.pi * y * inverse[i]; ax = 2 * Float.pi * x * inverse[i]
                    }
                    for half in 0..<2 {
                        let o = base + half * (hd / 2)
                        cos[o + i] = cosf(ay); sin[o + i] = sinf(ay)
                        cos[o + quarter + i] = cosf(ax); sin[o + quarter + i] = sinf(ax)
                    }
                }
            }
        }
    }

    /// (y, x) before the frequencies: the patch index, or the centre in [-1, 1] (HF float32 arithmetic).
    static func coordinate(row r: Int, col c: Int, gridRows gh: Int, gridCols gw: Int, _ kind: RotaryCoordinates) -> (Float, Float) {
        switch kind {
        case .patchIndex: return (Float(r), Float(c))
        case .normalizedCenter:
            let y = (Float(r) + 0.5) / Float(gh), x = (Float(c) + 0.5) / Float(gw)
            return (2 * y - 1, 2 * x - 1)
        }
    }
}

/// Rotates q and k of the patch tokens of one image in place: for each head, v ← v·cos + rotate_half(v)·sin
/// with rotate_half(v) = (−v[hd/2 ..< hd], v[0 ..< hd/2]) (HF `rotate_half`). Prefix tokens (CLS,
/// registers) are left as they are, as DINOv3 does.
/// - Parameters:
///   - qkv: [T, 3D] for one image (q | k | v); only the q and k column blocks change.
///   - prefix: the number of prefix tokens before the G patch tokens.
func applyRotary(_ qkv: UnsafeMutablePointer<Float>, table: RotaryTable, prefix: Int, patches g: Int, heads h: Int, width d: Int) {
    let hd = table.headWidth, half = hd / 2
    var rotated = [Float](repeating: 0, count: hd)
    table.cos.withUnsafeBufferPointer { cos in
        table.sin.withUnsafeBufferPointer { sin in
            for p in 0..<g {
                let row = qkv + (prefix + p) * 3 * d, cp = cos.baseAddress! + p * hd, sp = sin.baseAddress! + p * hd
                for block in 0..<2 {            // q, then k
                    for head in 0..<h {
                        let v = row + block * d + head * hd
                        for i in 0..<half {
                            rotated[i] = v[i] * cp[i] - v[i + half] * sp[i]
                            rotated[i + half] = v[i + half] * cp[i + half] + v[i] * sp[i + half]
                        }
                        for i in 0..<hd { v[i] = rotated[i] }
                    }
                }
            }
        }
    }
}

/// Reference for `applyRotary` on one vector [hd], straight from HF's formula in Double.
func naiveRotate(_ v: [Float], cos: [Float], sin: [Float]) -> [Float] {
    let hd = v.count, half = hd / 2
    let rotatedHalf = (0..<hd).map { i in i < half ? -v[i + half] : v[i - half] }
    return (0..<hd).map { i in Float(Double(v[i]) * Double(cos[i]) + Double(rotatedHalf[i]) * Double(sin[i])) }
}

extension VisionTransformer {
    /// The rotary table for a gh × gw grid, or nil when the family's positions are not rotary.
    func rotaryTable(gridRows gh: Int, gridCols gw: Int) -> RotaryTable? {
        guard case let .rotary2D(theta, coordinates) = spec.embedding.positions else { return nil }
        return RotaryTable(gridRows: gh, gridCols: gw, headWidth: spec.hiddenSize / spec.heads, theta: theta, coordinates: coordinates)
    }

    /// `applyRotary` on every image of qkv [n·T, 3D], one image per task.
    func rotate(_ qkv: FloatBuffer, table: RotaryTable, images n: Int, tokens t: Int, threads: Int) {
        let d = spec.hiddenSize, prefix = spec.prefixTokens
        parallelFor(n, threads: threads) { images in
            for image in images {
                applyRotary(qkv.pointer + image * t * 3 * d, table: table, prefix: prefix, patches: t - prefix, heads: spec.heads, width: d)
            }
        }
    }
}
