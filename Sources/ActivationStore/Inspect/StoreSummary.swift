import Foundation
import TensorFiles

/// A store at a glance: model, layers, images (count and first ids), label columns, tensors
/// with their shapes over the whole store, masks.
public struct StoreSummary: Sendable, Codable, Equatable {
    public struct TensorShape: Sendable, Codable, Equatable {
        public var name: String
        public var dtype: String
        /// Shape over the whole store: the first dimension is the image count.
        public var shape: [Int]
    }

    public var kind = "store"
    public var path: String
    public var model: ModelInfo
    public var tokens: Int
    public var imageCount: Int
    /// The first few image ids.
    public var firstImages: [String]
    public var labelColumns: [String]
    public var capturedLayers: [Int]
    public var receivedLayers: [Int]
    public var attentionLayers: [Int]
    public var hiddenDType: DType
    public var shards: Int
    public var tensors: [TensorShape]
    /// Method → layers.
    public var masks: [String: [Int]]
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case kind, path, model, tokens, shards, tensors, masks, notes
        case imageCount = "image_count"
        case firstImages = "first_images"
        case labelColumns = "label_columns"
        case capturedLayers = "captured_layers"
        case receivedLayers = "received_layers"
        case attentionLayers = "attention_layers"
        case hiddenDType = "hidden_dtype"
    }

    /// Reads the manifest and every shard's header (not the data), checking each shard.
    public init(store: StoreReader) throws {
        let m = store.manifest
        path = store.url.path
        model = m.model
        tokens = m.model.tokens
        imageCount = m.images.count
        firstImages = m.images.prefix(5).map(\.id)
        labelColumns = Set(m.images.flatMap(\.labels.keys)).sorted()
        capturedLayers = m.capturedLayers
        receivedLayers = m.receivedLayers
        attentionLayers = m.attentionLayers
        hiddenDType = m.hiddenDType
        shards = m.shards.count
        masks = m.masks.mapValues(\.layers)
        notes = m.notes
        var order: [String] = []
        var shapes: [String: TensorShape] = [:]
        var files = m.shards.map(\.file)
        for method in m.masks.keys.sorted() { files += m.masks[method]!.files }
        for file in files {
            let url = store.url.appendingPathComponent(file)
            for info in try SafetensorsFile(url: url).infos {
                if var s = shapes[info.name], s.shape.count == info.shape.count, Swift.Array(s.shape.dropFirst()) == Swift.Array(info.shape.dropFirst()) {
                    s.shape[0] += info.shape.first ?? 0
                    shapes[info.name] = s
                } else if shapes[info.name] != nil {
                    throw StoreError.corruptShard(file: url.path, problem: "'\(info.name)' has shape \(info.shape), unlike in the other shards")
                } else {
                    order.append(info.name)
                    shapes[info.name] = TensorShape(name: info.name, dtype: info.dtype.rawValue, shape: info.shape)
                }
            }
        }
        tensors = order.map { shapes[$0]! }
    }

    var text: String {
        func list(_ xs: [Int]) -> String { xs.isEmpty ? "none" : xs.map(String.init).joined(separator: ", ") }
        var lines = [
            "store \(path)",
            "model: \(model.name) (\(model.architecture)), L=\(model.layers) blocks, D=\(model.hiddenSize), H=\(model.heads), T=\(tokens) = \(model.prefixTokens) prefix + \(model.grid[0])x\(model.grid[1]) patches",
            "layers: \(list(capturedLayers)) (hidden \(hiddenDType.rawValue)); received attention: \(list(receivedLayers)); whole attention: \(list(attentionLayers))",
            "images: \(imageCount) in \(shards) shard\(shards == 1 ? "" : "s") (first: \(firstImages.joined(separator: ", "))\(imageCount > firstImages.count ? ", ..." : ""))",
            "labels: \(labelColumns.isEmpty ? "none" : labelColumns.joined(separator: ", "))",
            "masks: \(masks.isEmpty ? "none" : masks.keys.sorted().map { "\($0) (layers \(list(masks[$0]!)))" }.joined(separator: "; "))",
            "tensors:",
        ]
        if let tower = model.lvlm { lines.insert("LVLM tower: \(tower.sentence)", at: 2) }
        let width = tensors.map(\.name.count).max() ?? 0
        for t in tensors {
            lines.append("  " + padded(t.name, width) + "  " + padded(t.dtype, 4) + " [" + t.shape.map(String.init).joined(separator: ", ") + "]")
        }
        for note in notes { lines.append("note: \(note)") }
        return lines.joined(separator: "\n")
    }
}
