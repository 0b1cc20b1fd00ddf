import ActivationStore
import Foundation

/// Deterministic activations for store tests: every value depends on (image, layer, index), so
/// a row read from the wrong image, layer or shard cannot match.
enum Synthetic {
    /// L = 4 blocks, T = 1 + 2×3 = 7 tokens, D = 5, H = 2.
    static let model = ModelInfo(name: "tiny", architecture: "vit", patchSize: 14, imageSize: 28, hiddenSize: 5,
                                 heads: 2, layers: 4, prefixTokens: 1, grid: [2, 3])

    static func value(_ image: Int, _ layer: Int, _ index: Int, salt: Int = 0) -> Float {
        // Exact in f16: multiples of 1/8 below 256.
        Float((image * 131 + layer * 17 + index * 7 + salt * 29) % 1024 - 512) / 8
    }

    static func hidden(_ image: Int, _ layer: Int) -> [Float] {
        (0..<(model.tokens * model.hiddenSize)).map { value(image, layer, $0) }
    }

    static func received(_ image: Int, _ layer: Int) -> [Float] { (0..<model.tokens).map { value(image, layer, $0, salt: 1) } }

    static func attention(_ image: Int, _ layer: Int) -> [Float] {
        (0..<(model.heads * model.tokens * model.tokens)).map { value(image, layer, $0, salt: 2) }
    }

    static func activations(_ image: Int, layers: [Int], received: [Int]? = nil, attention: [Int]? = nil) -> ImageActivations {
        ImageActivations(
            image: ImageEntry(id: "img\(image)", source: "/photos/\(image).png", labels: ["class": image % 2 == 0 ? "even" : "odd"]),
            hidden: Dictionary(uniqueKeysWithValues: layers.map { ($0, hidden(image, $0)) }),
            received: received.map { Dictionary(uniqueKeysWithValues: $0.map { ($0, Self.received(image, $0)) }) },
            attention: attention.map { Dictionary(uniqueKeysWithValues: $0.map { ($0, Self.attention(image, $0)) }) })
    }

    /// Reference token norms `[T]` of one image and layer, in Double.
    static func norms(_ image: Int, _ layer: Int) -> [Float] {
        let x = hidden(image, layer), d = model.hiddenSize
        return (0..<model.tokens).map { t in Float((0..<d).reduce(0.0) { $0 + Double(x[t * d + $1]) * Double(x[t * d + $1]) }.squareRoot()) }
    }

    /// Writes `count` images into a new store at `url`.
    @discardableResult
    static func writeStore(at url: URL, count: Int, layers: [Int] = [0, 2, 4], perShard: Int = 3, dtype: DType = .f16,
                           received: [Int]? = [2, 4], attention: [Int]? = nil, encodingThreads: Int = 1) throws -> StoreWriter {
        let writer = try StoreWriter(url: url, model: model, layers: layers, hiddenDType: dtype, imagesPerShard: perShard,
                                     keepAttention: attention != nil, preprocessing: ["resize": "28"])
        writer.encodingThreads = encodingThreads
        for i in 0..<count { try writer.append(activations(i, layers: layers, received: received, attention: attention)) }
        try writer.commit()
        return writer
    }
}
