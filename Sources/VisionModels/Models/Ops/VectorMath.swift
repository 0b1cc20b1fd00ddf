// Branch-free exp and erf for the hot elementwise loops (softmax, GELU, quick_gelu). glibc's erff
// costs ~50 ns per call, which made GELU alone a third of a DINOv2 forward; written without traps
// or branches these compile to vectorised loops (a few ns per value). Checked against Double
// references in VectorMathTests.

/// e^x with relative error below 3e-7 (a few ulp) for x in [-87, 88]; inputs are clamped to that
/// range (so e^-∞ gives ~1e-38, not 0).
///
/// Cody–Waite reduction x = n·ln2 + r with |r| ≤ ln2/2, a degree-7 Taylor polynomial for e^r
/// (truncation r⁸/8! < 6e-9), and 2^n written into the exponent bits. n is rounded with the
/// 1.5·2²³ trick, which also leaves n in the low mantissa bits of `shifted`: no float→int
/// conversion (and its overflow trap) is needed.
@inline(__always)
func fastExp(_ x: Float) -> Float {
    let x = min(max(x, -87.3), 88.7)
    let shifted = x * 1.442695040888963 + 12_582_912
    let n = shifted - 12_582_912
    let r = (x - n * 0.693359375) - n * -2.12194440e-4          // ln2 split into exact hi + lo
    var p: Float = 1.0 / 5040
    p = p * r + 1.0 / 720
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    // bits(shifted) = 0x4B400000 + n; (n + 127) << 23 is 2^n.
    return p * Float(bitPattern: (shifted.bitPattern &- 0x4B3F_FF81) &<< 23)
}

/// erf(x) with absolute error below 4e-7 (measured max 3.2e-7).
///
/// For |x| ≥ 0.5, Abramowitz & Stegun 7.1.26 (max 1.5e-7):
/// erf(|x|) = 1 − t·(a1 + t·(a2 + t·(a3 + t·(a4 + t·a5))))·e^(−x²), t = 1/(1 + p|x|).
/// Below 0.5 that form loses digits to the cancellation in 1 − (≈1), so the Maclaurin series
/// 2/√π · Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)) is used up to x¹¹ (truncation < 2e-8). Both are computed
/// and one selected, which keeps the loop branch-free.
@inline(__always)
func fastErf(_ x: Float) -> Float {
    let a = abs(x)
    let t = 1 / (1 + 0.3275911 * a)
    var poly: Float = 1.061405429
    poly = poly * t - 1.453152027
    poly = poly * t + 1.421413741
    poly = poly * t - 0.284496736
    poly = poly * t + 0.254829592
    let tail = 1 - poly * t * fastExp(-a * a)
    let x2 = x * x
    var series: Float = -1.0 / 1320
    series = series * x2 + 1.0 / 216
    series = series * x2 - 1.0 / 42
    series = series * x2 + 1.0 / 10
    series = series * x2 - 1.0 / 3
    series = series * x2 + 1
    let small = series * x * 1.1283791670955126       // 2/√π; odd in x
    let large = x < 0 ? -tail : tail
    return a < 0.5 ? small : large
}

/// Σ x[i] with eight independent partial sums (a plain loop is one serial dependency chain,
/// which the compiler may not reassociate for Floats).
@inline(__always)
func sum8(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0, s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
    var i = 0
    while i + 8 <= count {
        s0 += x[i]; s1 += x[i + 1]; s2 += x[i + 2]; s3 += x[i + 3]
        s4 += x[i + 4]; s5 += x[i + 5]; s6 += x[i + 6]; s7 += x[i + 7]
        i += 8
    }
    while i < count { s0 += x[i]; i += 1 }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
}
