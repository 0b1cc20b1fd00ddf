import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import Support
import XCTest

/// The probe CLI tests' store: 20 images, CLS + 2×2 patches, D = 6, layers 0 and 1; layer 0 is
/// noise and at layer 1 the CLS token's dimension 0 or 1 (by the 2-class label `kind`) is +4.
enum TinyLabelStore {
    static func make(in test: XCTestCase, name: String, seed: UInt64) throws -> URL {
        let directory = temporaryDirectory(name)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("store")
        let model = ModelInfo(name: "tiny", architecture: "vit", patchSize: 14, imageSize: 28, hiddenSize: 6, heads: 1,
                              layers: 1, prefixTokens: 1, grid: [2, 2])
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1], hiddenDType: .f32)
        var rng = SeededGenerator(seed: seed)
        for i in 0..<20 {
            var x = (0..<(5 * 6)).map { _ in Float(rng.gaussian()) * 0.5 }
            x[i % 2] += 4
            let noise = (0..<(5 * 6)).map { _ in Float(rng.gaussian()) }
            try writer.append(ImageActivations(image: ImageEntry(id: "i\(i)", source: "i\(i).png", labels: ["kind": i % 2 == 0 ? "a" : "b"]),
                                               hidden: [0: noise, 1: x]))
        }
        try writer.commit()
        return url
    }
}
