import Support
import Images
import Scenes
import ActivationStore
import Foundation
import TestSupport
@testable import SinkAnalysis

/// A small store with known structure, for the suite tests: real synth images (56x56, a 4x4
/// grid of 14-pixel patches) and hidden states built from them, so every target has a planted
/// answer.
///
/// Per image (T = 17 tokens: CLS + 16 patches, D = 32), at layer l:
/// - patch (r, c): 4·(patch mean RGB) in dims 0–2, a one-hot of the cell in dims 3–18 (position),
///   noise 0.1 everywhere;
/// - CLS: the texture label as a one-hot in dims 19–22 (global information), plus noise;
/// - at layers 1 and 2, one patch per image (cell `i % 16`) is a sink: norm ~40, the texture
///   one-hot × 30 in dims 19–22 and no position or colour; it receives 6× the uniform
///   attention. Layer 0 has no sink and no received attention.
enum SuiteStoreFixture {
    static let imageCount = 40
    static let hidden = 32
    static let tokens = 17

    /// The sink's patch token index (1...16) in image `i`.
    static func sinkToken(_ i: Int) -> Int { 1 + i % 16 }

    /// Writes images and the store under `directory`; returns the store URL.
    static func make(in directory: URL, count: Int = imageCount) throws -> URL {
        let images = directory.appendingPathComponent("images")
        let generator = try SceneGenerator(seed: 3, size: 56)
        _ = try generator.write(count: count, to: images, progress: nil)
        let labels = try LabelsTable(url: images.appendingPathComponent("labels.csv"))
        let specs = generator.specs(count: count)
        let model = ModelInfo(name: "planted-s14", architecture: "vit", patchSize: 14, imageSize: 56, hiddenSize: hidden,
                              heads: 2, layers: 2, prefixTokens: 1, grid: [4, 4])
        var pre = Preprocessor.defaults(for: .vit)
        pre.size = .exact(height: 56, width: 56)
        let url = directory.appendingPathComponent("store")
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1, 2], hiddenDType: .f32, imagesPerShard: 16,
                                     preprocessing: pre.manifestEntry)
        let textures = ["plain", "stripes", "checker", "dots"]
        var rng = SeededGenerator(seed: 11)
        for (i, spec) in specs.enumerated() {
            let colors = PatchColors.patchMeans(try generator.image(spec), grid: [4, 4], patchSize: 14)!
            let texture = textures.firstIndex(of: spec.labels["texture"]!)!
            var layers: [Int: [Float]] = [:]
            for l in 0...2 {
                var x = (0..<(tokens * hidden)).map { _ in Float(0.1 * rng.gaussian()) }
                x[19 + texture] += 1                                             // CLS
                for p in 0..<16 {
                    let t = 1 + p
                    for ch in 0..<3 { x[t * hidden + ch] += 4 * colors[p * 3 + ch] }
                    x[t * hidden + 3 + p] += 1
                }
                if l > 0 {
                    let s = sinkToken(i)
                    for j in 0..<hidden { x[s * hidden + j] = Float(0.1 * rng.gaussian()) }
                    x[s * hidden + 19 + texture] = 30
                    x[s * hidden + 31] = 25
                }
                layers[l] = x
            }
            var received: [Int: [Float]] = [:]
            for l in 1...2 {
                var r = [Float](repeating: 10.0 / 15.0, count: tokens)   // 15 ordinary tokens share 17 − 1 − 6
                r[0] = 1
                r[sinkToken(i)] = 6
                received[l] = r
            }
            let entry = ImageEntry(id: spec.id, source: images.appendingPathComponent(spec.id + ".png").path,
                                   labels: labels.rows[spec.id] ?? [:])
            try writer.append(ImageActivations(image: entry, hidden: layers, received: received))
        }
        try writer.commit()
        return url
    }
}
