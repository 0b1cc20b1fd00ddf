import TestSupport
import XCTest

@testable import VisionModels

/// Each fast op (BLAS or pointer loop) against its naive reference on random data.
final class OpsTests: XCTestCase {
    private var rng = TestRandom(seed: 42)

    private func random(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in Float(rng.normal()) * scale }
    }

    func testLinearMatchesNaiveWithAndWithoutBias() {
        let (m, k, n) = (37, 29, 23)
        let x = random(m * k), w = random(n * k), b = random(n)
        for bias in [b, nil] {
            var y = [Float](repeating: .nan, count: m * n)
            linear(&y, x, weight: w, bias: bias, m: m, k: k, n: n)
            assertClose(y, naiveLinear(x, weight: w, bias: bias, m: m, k: k, n: n), absolute: 1e-5, relative: 1e-5)
        }
    }

    func testLayerNormMatchesNaiveIncludingLargeOffsets() {
        let (rows, d) = (9, 384)
        // An offset of 100 with unit spread is where a one-pass E[x²] - E[x]² variance loses digits.
        let x = random(rows * d).map { $0 + 100 }, g = random(d), b = random(d)
        var y = [Float](repeating: 0, count: rows * d)
        layerNorm(&y, x, gamma: g, beta: b, rows: rows, width: d, eps: 1e-6)
        assertClose(y, naiveLayerNorm(x, gamma: g, beta: b, rows: rows, width: d, eps: 1e-6), absolute: 2e-5, relative: 1e-4)
    }

    func testAttentionMatchesNaiveForContextProbabilitiesAndReceived() {
        let (t, h, d) = (13, 3, 24)
        let q = random(t * d, scale: 2), k = random(t * d, scale: 2), v = random(t * d)
        var qkv = [Float](repeating: 0, count: t * 3 * d)
        for i in 0..<t {
            for c in 0..<d {
                qkv[i * 3 * d + c] = q[i * d + c]
                qkv[i * 3 * d + d + c] = k[i * d + c]
                qkv[i * 3 * d + 2 * d + c] = v[i * d + c]
            }
        }
        var out = [Float](repeating: 0, count: t * d), scratch = [Float](repeating: 0, count: t * t)
        var received = [Float](repeating: 0, count: t), probs = [Float](repeating: 0, count: h * t * t)
        attention(&out, qkv: qkv, tokens: t, heads: h, width: d, scratch: &scratch, received: &received, probs: &probs)
        let reference = naiveAttention(q: q, k: k, v: v, tokens: t, heads: h, width: d)
        assertClose(out, reference.context, absolute: 1e-5, relative: 1e-4)
        assertClose(probs, reference.probs, absolute: 1e-6, relative: 1e-4)
        assertClose(received, reference.received, absolute: 1e-5, relative: 1e-4)
        // Received attention is a head-mean of column sums of row-stochastic matrices: it sums to T.
        XCTAssertEqual(received.reduce(0, +), Float(t), accuracy: 1e-4)

        // Without kept probabilities the scratch path gives the same context.
        var out2 = [Float](repeating: 0, count: t * d)
        attention(&out2, qkv: qkv, tokens: t, heads: h, width: d, scratch: &scratch, received: nil, probs: nil)
        XCTAssertEqual(out2, out)
    }

    func testPatchEmbeddingIm2colPlusLinearEqualsTheConvolution() {
        let (c, height, width, p, d) = (3, 30, 23, 7, 5)   // 4×3 patches; trailing pixels dropped like Conv2d
        let pixels = random(c * height * width), w = random(d * c * p * p), b = random(d)
        let g = (height / p) * (width / p)
        var patches = [Float](repeating: 0, count: g * c * p * p), y = [Float](repeating: 0, count: g * d)
        im2col(&patches, pixels: pixels, channels: c, height: height, width: width, patch: p)
        linear(&y, patches, weight: w, bias: b, m: g, k: c * p * p, n: d)
        let reference = naivePatchConvolution(pixels: pixels, weight: w, bias: b, channels: c, height: height, width: width, patch: p, outChannels: d)
        assertClose(y, reference, absolute: 1e-5, relative: 1e-4)
    }

    func testActivationsMatchTheirDefinitions() {
        let x = random(1000, scale: 4)
        for a in [Activation.gelu, .quickGELU] {
            var y = x
            a.apply(&y, count: y.count)
            assertClose(y, x.map(a.reference), absolute: 1e-6, relative: 1e-5, "\(a)")
        }
        // Known values: gelu(1) = Φ(1) = 0.8413447, quick_gelu(1) = σ(1.702) = 0.8457957.
        var one: [Float] = [1, 1]
        Activation.gelu.apply(&one, count: 1)
        Activation.quickGELU.apply(&one[1], count: 1)
        XCTAssertEqual(one[0], 0.8413447, accuracy: 1e-6)
        XCTAssertEqual(one[1], 0.8457957, accuracy: 1e-6)
    }

    func testBicubicResizeIsIdentityAtSameSizeAndMatchesHandComputedWeights() {
        let grid = random(5 * 5 * 2)
        XCTAssertEqual(bicubicResize(grid, rows: 5, cols: 5, channels: 2, outRows: 5, outCols: 5), grid)
        // 4 → 2: source coordinates 0.5 and 2.5; Keys(a = -0.75) taps 0.59375 at ±0.5 and -0.09375 at ±1.5,
        // with the tap at -1 (resp. 4) clamped onto the edge sample.
        XCTAssertEqual(bicubicWeights(input: 4, output: 2), [0.5, 0.59375, -0.09375, 0, 0, -0.09375, 0.59375, 0.5])
        // Separable: a 4×4 grid x[r, c] = r + 10c resizes to Σ weights along each axis.
        let ramp = (0..<4).flatMap { r in (0..<4).map { c in Float(r + 10 * c) } }
        let out = bicubicResize(ramp, rows: 4, cols: 4, channels: 1, outRows: 2, outCols: 2)
        let w: [[Double]] = [[0.5, 0.59375, -0.09375, 0], [0, -0.09375, 0.59375, 0.5]]
        for o in 0..<2 {
            for p in 0..<2 {
                var expected = 0.0
                for r in 0..<4 { for c in 0..<4 { expected += w[o][r] * w[p][c] * Double(r + 10 * c) } }
                XCTAssertEqual(Double(out[o * 2 + p]), expected, accuracy: 1e-5)
            }
        }
        // Interpolation weights of every output sum to 1, so constants are preserved.
        let w37 = bicubicWeights(input: 37, output: 16)
        for o in 0..<16 { XCTAssertEqual(w37[(o * 37)..<((o + 1) * 37)].reduce(0, +), 1, accuracy: 1e-12) }
    }
}
