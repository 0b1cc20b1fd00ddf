import ActivationStore
import Foundation
import TestSupport
import XCTest

/// LVLM stores with planted structure for the pathway tests, written as a dump and imported with
/// `LVLMImporter` (so the tests run the whole path: dump → store → analysis).
struct PlantedLVLM {
    /// n images, P = side² visual tokens at LLM positions `start ..< start + P` of S, Lm LLM blocks.
    var n: Int, side: Int, s: Int, start = 1, lm = 2, dm = 32
    /// `[n, P]` ViT norm of each visual token (the ViT state is [norm, 0, 0, 0]).
    var vitNorms: [Float]
    /// LLM block l (1...Lm) → `[n, P]` share of that layer's attention; the rest goes to position 0.
    var shares: [Int: [Double]]
    /// LLM hidden layer l → list of (image, patch, dimension, value) planted over a small base pattern.
    var planted: [Int: [(image: Int, patch: Int, dim: Int, value: Float)]] = [:]
    var withHidden = true

    var p: Int { side * side }

    /// |base| ≤ 0.5, so the median magnitude of a token is well below 1 and only planted entries are massive.
    func base(_ l: Int, _ i: Int, _ p: Int, _ k: Int) -> Float { Float((l * 3 + i * 7 + p * 5 + k * 3) % 11 - 5) / 10 }

    func write(to url: URL) throws {
        let q = Double(s)
        var received: [Float] = []
        for b in 1...lm {
            for i in 0..<n {
                var row = [Double](repeating: 0, count: s)
                for j in 0..<p { row[start + j] = shares[b]![i * p + j] * q }
                row[0] = q - row.reduce(0, +)
                precondition(row[0] >= 0, "planted shares exceed the layer's attention")
                received += row.map(Float.init)
            }
        }
        var arrays: [(name: String, tensor: Tensor)] = [
            ("vit_hidden", Tensor(floats: vitNorms.flatMap { [$0, 0, 0, 0] }, shape: [n, p, 4])),
            ("llm_attention_received", Tensor(floats: received, shape: [lm, n, s])),
            ("image_token_start", Tensor(int64s: [Int64(start)], shape: [])),
        ]
        if withHidden {
            var hidden: [Float] = []
            for l in 0...lm {
                var layer = (0..<n).flatMap { i in (0..<p).flatMap { t in (0..<dm).map { base(l, i, t, $0) } } }
                for e in planted[l] ?? [] { layer[(e.image * p + e.patch) * dm + e.dim] = e.value }
                hidden += layer
            }
            arrays.append(("llm_hidden_visual", Tensor(floats: hidden, shape: [lm + 1, n, p, dm])))
        }
        try SafetensorsWriter.write(arrays, metadata: ["vit_layer": "11", "vit_blocks": "12", "lvlm_name": "planted"], to: url)
    }

    /// Writes the dump and imports it; returns the store.
    func store(_ test: XCTestCase) throws -> StoreReader {
        let dir = temporaryDirectory("pathway")
        test.addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let dump = dir.appendingPathComponent("dump.safetensors")
        try write(to: dump)
        var options = LVLMImportOptions(inputs: [dump], output: dir.appendingPathComponent("store"))
        options.hiddenDType = .f32
        options.showProgress = false
        _ = try LVLMImporter.run(options)
        return try StoreReader(url: options.output)
    }
}

extension PlantedLVLM {
    /// Shares that scale with the ViT norm: 2 images, 4x4 tokens; image 0's sink is patch 5, image 1's
    /// patch 10 (norm 50); the 15 ordinary tokens of each image have norms 1, 2, 3 (five each) and
    /// shares 0.5a, a, 1.5a (mean a = 1%); a sink gets exactly 7a in LLM layer 1 and 3a in layer 2.
    static func scaledAttention() -> PlantedLVLM {
        let a = 0.01
        var norms: [Float] = [], layer1: [Double] = [], layer2: [Double] = []
        for i in 0..<2 {
            var ordinal = 0
            for j in 0..<16 {
                if j == (i == 0 ? 5 : 10) {
                    norms.append(50); layer1.append(7 * a); layer2.append(3 * a)
                } else {
                    let level = 1 + ordinal % 3
                    ordinal += 1
                    norms.append(Float(level)); layer1.append(a * Double(level) / 2); layer2.append(a * Double(level) / 2)
                }
            }
        }
        var planted = PlantedLVLM(n: 2, side: 4, s: 20, vitNorms: norms, shares: [1: layer1, 2: layer2])
        planted.withHidden = false
        return planted
    }

    /// Massive LLM dimensions: 3 images, 3x3 tokens. ViT sinks: patch 4 of every image and patch 0 of
    /// image 2 (norm 50). Propagated: every ViT sink has dims 5 (= 500) and 9 (= -400) at LLM layer 1;
    /// at layer 2 only images 0 and 1's sinks do. Emerged: patch 7 of images 0 and 1 has dim 17 = 500
    /// at layers 1 and 2; patch 2 of image 2 has dim 21 = 450 at layer 2 only. Shares: ordinary 0.5/24,
    /// ViT sinks 3.5/24 (7x), emerged sinks 4.5/24 (9x), in both LLM layers.
    static func massiveDimensions() -> PlantedLVLM {
        let sinks: Set<[Int]> = [[0, 4], [1, 4], [2, 4], [2, 0]], emerged: Set<[Int]> = [[0, 7], [1, 7], [2, 2]]
        var norms: [Float] = [], shares: [Double] = []
        for i in 0..<3 {
            for j in 0..<9 {
                norms.append(sinks.contains([i, j]) ? 50 : Float(1 + (i + j) % 4))
                shares.append((sinks.contains([i, j]) ? 3.5 : emerged.contains([i, j]) ? 4.5 : 0.5) / 24)
            }
        }
        var planted = PlantedLVLM(n: 3, side: 3, s: 24, vitNorms: norms, shares: [1: shares, 2: shares])
        planted.planted[1] = sinks.flatMap { [(image: $0[0], patch: $0[1], dim: 5, value: 500), (image: $0[0], patch: $0[1], dim: 9, value: -400)] }
            + [(0, 7, 17, 500), (1, 7, 17, 500)]
        planted.planted[2] = [[0, 4], [1, 4]].flatMap { [(image: $0[0], patch: $0[1], dim: 5, value: Float(500)), (image: $0[0], patch: $0[1], dim: 9, value: -400)] }
            + [(0, 7, 17, 500), (1, 7, 17, 500), (2, 2, 21, 450)]
        return planted
    }
}
