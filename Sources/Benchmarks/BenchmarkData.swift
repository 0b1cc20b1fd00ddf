import Plotting
import Images
import Support
import Foundation

/// Synthetic data shaped like a 13-layer sink report: per-layer token norms with a high-norm
/// mode from layer 4 on, per-layer 16x16 patch grids over 224x224 images, probe curves with
/// confidence bands, a PCA projection, a CKA matrix and a bar chart. Generated from a seed
/// (SplitMix64), so Swift and the matplotlib script draw exactly the same numbers.
public struct BenchmarkData: Sendable {
    public static let layers = 13
    public static let imageSide = 224
    public static let gridSide = 16
    public static let tokensPerLayer = 50 * 257

    /// `[L][50 * 257]` token norms per layer.
    public var norms: [[Float]]
    /// Norm threshold tau marked on the histograms.
    public var threshold: Float
    /// `[L]` images, each `[224, 224, 3]` RGB.
    public var images: [[UInt8]]
    /// `[L][16 * 16]` per-patch norms, row-major.
    public var grids: [[Float]]
    /// Probe groups: names and `[5][L]` mean, lower, upper accuracies.
    public var curveNames: [String]
    public var curveMean: [[Float]]
    public var curveLower: [[Float]]
    public var curveUpper: [[Float]]
    /// `[5000, 2]` PCA coordinates and a category per point (0 non-sink, 1 sink, 2 CLS).
    public var pca: [Float]
    public var pcaCategory: [UInt8]
    public var pcaNames: [String]
    /// `[L, L]` CKA similarities.
    public var cka: [Float]
    /// Bar chart: categories, two series (probe, control) with 95 % half-widths.
    public var barCategories: [String]
    public var barValues: [[Float]]
    public var barErrors: [[Float]]

    /// The data for `seed` (the benchmark uses 0).
    public static func synthetic(seed: UInt64 = 0) -> BenchmarkData {
        var rng = SeededGenerator(seed: seed)
        let L = layers
        var norms: [[Float]] = [], grids: [[Float]] = [], images: [[UInt8]] = []
        for l in 0..<L {
            let sinkShare = l >= 4 ? 0.012 : 0.0
            norms.append((0..<tokensPerLayer).map { _ in
                rng.uniform() < sinkShare
                    ? Float(180 + 60 * rng.gaussian() + 8 * Double(l))
                    : Float(exp(3.3 + 0.03 * Double(l) + 0.25 * rng.gaussian()))
            })
            let side = gridSide
            var g = (0..<(side * side)).map { _ in Float(30 + 2 * Double(l) + 6 * rng.gaussian()) }
            if l >= 4 { for k in 0..<3 { g[(k * 89 + l * 17) % (side * side)] = Float(200 + 30 * rng.gaussian()) } }
            grids.append(g)
            images.append(syntheticImage(index: l, rng: &rng))
        }
        let names = ["CLS", "sinks", "non-sinks", "random-k", "control"]
        var mean: [[Float]] = [], lower: [[Float]] = [], upper: [[Float]] = []
        for (s, _) in names.enumerated() {
            var m: [Float] = [], lo: [Float] = [], hi: [Float] = []
            for l in 0..<L {
                let depth = Double(l) / Double(L - 1)
                let base: [Double] = [0.35 + 0.55 * depth, 0.3 + 0.55 * depth * depth, 0.55 - 0.1 * depth, 0.45, 0.1]
                let v = base[s] + 0.015 * rng.gaussian(), w = 0.03 + 0.02 * rng.uniform()
                m.append(Float(v)); lo.append(Float(v - w)); hi.append(Float(v + w))
            }
            mean.append(m); lower.append(lo); upper.append(hi)
        }
        var pca: [Float] = [], cat: [UInt8] = []
        for i in 0..<5000 {
            let c: UInt8 = i < 4700 ? 0 : (i < 4950 ? 1 : 2)
            let center: (Double, Double) = c == 0 ? (0, 0) : (c == 1 ? (6, 3) : (-4, 5))
            let spread = c == 0 ? 2.0 : 0.8
            pca += [Float(center.0 + spread * rng.gaussian()), Float(center.1 + spread * 0.6 * rng.gaussian())]
            cat.append(c)
        }
        var cka = [Float](repeating: 0, count: L * L)
        for i in 0..<L {
            for j in 0..<L {
                cka[i * L + j] = i == j ? 1 : Float(exp(-Double(abs(i - j)) / 4) * (0.95 + 0.03 * rng.uniform()))
            }
        }
        for i in 0..<L { for j in 0..<i { cka[i * L + j] = cka[j * L + i] } }
        let cats = ["CLS", "sinks", "non-sinks", "random-k"]
        let values: [[Float]] = [[0.91, 0.86, 0.51, 0.55], [0.12, 0.11, 0.10, 0.12]]
        let errors: [[Float]] = [[0.02, 0.04, 0.02, 0.03], [0.02, 0.03, 0.02, 0.02]]
        return BenchmarkData(norms: norms, threshold: 100, images: images, grids: grids, curveNames: names,
                             curveMean: mean, curveLower: lower, curveUpper: upper, pca: pca, pcaCategory: cat,
                             pcaNames: ["non-sink", "sink", "CLS"], cka: cka, barCategories: cats,
                             barValues: values, barErrors: errors)
    }

    /// A smooth colour field with a few discs: something photo-like under an overlay.
    static func syntheticImage(index: Int, rng: inout SeededGenerator) -> [UInt8] {
        let n = imageSide
        var px = [UInt8](repeating: 0, count: n * n * 3)
        let discs = (0..<4).map { _ in (rng.uniform() * Double(n), rng.uniform() * Double(n), 15 + 30 * rng.uniform(),
                                        rng.uniform(), rng.uniform(), rng.uniform()) }
        let tint = Double(index) / Double(layers)
        for y in 0..<n {
            for x in 0..<n {
                let u = Double(x) / Double(n), v = Double(y) / Double(n)
                var c = (0.35 + 0.4 * u * (1 - tint), 0.45 + 0.3 * v, 0.55 + 0.3 * tint * (1 - u))
                for d in discs where hypot(Double(x) - d.0, Double(y) - d.1) < d.2 { c = (d.3, d.4, d.5) }
                let i = (y * n + x) * 3
                px[i] = UInt8(255 * min(1, c.0)); px[i + 1] = UInt8(255 * min(1, c.1)); px[i + 2] = UInt8(255 * min(1, c.2))
            }
        }
        return px
    }
}
