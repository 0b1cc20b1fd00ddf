import Images
import ActivationStore
import Foundation
import Plotting
import TestSupport

/// A small store with known sinks, written through the real `StoreWriter`.
///
/// n = 8 images, T = 1 + 6×6 = 37 tokens, D = 16, H = 2, L = 4 blocks (layers 0...4 captured).
/// From layer 2 on, each image has two sink patches whose hidden state carries 60 in dimension 3
/// (norm ≈ 60 against ≈ 2 for the others); received attention (layers 1...4) gives each sink 8×
/// the uniform share and CLS 3×. Image 0 is named `<script>alert(1)</script>` and carries that
/// text as a label; its source is a real 84×84 PNG, the others point at files that do not exist.
enum PlantedStore {
    static let model = ModelInfo(name: "planted-vit", architecture: "vit", patchSize: 14, imageSize: 84, hiddenSize: 16,
                                 heads: 2, layers: 4, prefixTokens: 1, grid: [6, 6])
    static let images = 8
    static let sinkLayers = [2, 3, 4]
    static let hostile = "<script>alert(1)</script>"

    /// Token indices (prefix included) of the two sinks of image i.
    static func sinks(_ i: Int) -> [Int] { [1 + (i * 5) % 36, 1 + (i * 5 + 17) % 36].sorted() }

    /// A value in [-1, 1) that depends on every index, so rows read from the wrong place cannot match.
    static func noise(_ i: Int, _ l: Int, _ k: Int) -> Float {
        var z = UInt64(i * 1_000_003 + l * 10_007 + k) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 31)) &* 0xBF58_476D_1CE4_E5B9
        return Float(Double(z >> 11) * 0x1p-53 * 2 - 1)
    }

    /// `[T*D]` hidden states of image i at layer l.
    static func hidden(_ i: Int, _ l: Int, planted: Bool) -> [Float] {
        let t = model.tokens, d = model.hiddenSize
        var x = (0..<(t * d)).map { noise(i, l, $0) * 0.9 }
        if planted && sinkLayers.contains(l) {
            for s in sinks(i) { x[s * d + 3] = 60 + Float(l) }
        }
        return x
    }

    /// `[T]` received attention summing to T: sinks 8, CLS 3, the rest share what is left.
    static func received(_ i: Int, _ l: Int, planted: Bool) -> [Float] {
        let t = model.tokens
        let special = planted && sinkLayers.contains(l) ? sinks(i) : []
        let left = Float(t) - 3 - 8 * Float(special.count)
        let others = t - 1 - special.count
        var r = [Float](repeating: 0, count: t)
        r[0] = 3
        var k = 0
        for j in 1..<t where !special.contains(j) {
            // ±10 % around the even share, alternating so the total stays exact.
            r[j] = left / Float(others) * (1 + (k % 2 == 0 ? 0.1 : -0.1))
            k += 1
        }
        if others % 2 == 1, let last = (1..<t).last(where: { !special.contains($0) }) { r[last] = left / Float(others) }
        for s in special { r[s] = 8 }
        return r
    }

    /// Writes the store; `attention: false` leaves out received attention, `sinks: false` the planted sinks.
    /// `model` may differ from `Self.model` in what does not change the tensors (name, `lvlm`).
    static func write(to url: URL, attention: Bool = true, sinks planted: Bool = true, model: ModelInfo = PlantedStore.model) throws {
        let picture = url.deletingLastPathComponent().appendingPathComponent("planted-\(UUID().uuidString.prefix(6)).png")
        try Data(try testPNG()).write(to: picture)
        let writer = try StoreWriter(url: url, model: model, layers: Array(0...4), hiddenDType: .f32, imagesPerShard: 3,
                                     preprocessing: ["resize": "84x84", "center_crop": "none", "resample": "bilinear"])
        for i in 0..<images {
            let entry = ImageEntry(id: i == 0 ? hostile : "img\(i)", source: i == 0 ? picture.path : "/nonexistent/img\(i).png",
                                   labels: ["shape": i % 2 == 0 ? "circle" : "square", "note": i == 0 ? hostile : "plain"])
            let received = attention ? Dictionary(uniqueKeysWithValues: (1...4).map { ($0, Self.received(i, $0, planted: planted)) }) : nil
            try writer.append(ImageActivations(
                image: entry, hidden: Dictionary(uniqueKeysWithValues: (0...4).map { ($0, hidden(i, $0, planted: planted)) }),
                received: received))
        }
        try writer.commit()
    }

    /// An 84×84 PNG with a red left half and a blue right half, encoded by libgd.
    static func testPNG() throws -> [UInt8] {
        let canvas = try Canvas(width: 84, height: 84)
        canvas.fill(Rect(x: 0, y: 0, width: 42, height: 84), RGB(220, 30, 30))
        canvas.fill(Rect(x: 42, y: 0, width: 42, height: 84), RGB(30, 30, 220))
        return try canvas.png()
    }
}
