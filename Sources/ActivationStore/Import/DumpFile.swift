import Foundation
import TensorFiles

/// One input of `sinkscope import`: hidden states (and optionally attentions and image ids)
/// found in a `.npz`, `.safetensors` or `.npy` file, with their shapes checked.
///
/// Layouts (see docs/store.md): `hidden_states` [L+1, n, T, D]; or `hidden_states.{l}` [n, T, D]
/// per layer; or a bare `.npy` [L+1, n, T, D]. Optional `attentions` [L, n, H, T, T] (HF order:
/// entry i is block i+1) and `image_ids` [n].
struct DumpFile {
    enum Hidden {
        case stacked(TensorView)          // [L+1, n, T, D]
        case perLayer([Int: TensorView])  // l → [n, T, D]
    }

    let url: URL
    let hidden: Hidden
    let attentions: TensorView?
    let ids: [String]?
    /// n, T, D.
    let images: Int, tokens: Int, dim: Int
    /// Layers with hidden states, ascending.
    let layers: [Int]
    /// H (0 without attentions).
    var heads: Int { attentions?.shape[2] ?? 0 }
    /// Blocks with attention maps (attentions' first dimension; 0 without).
    var attentionBlocks: Int { attentions?.shape[0] ?? 0 }

    static let stackedKey = "hidden_states", attentionKey = "attentions", idsKey = "image_ids"

    init(url: URL) throws {
        self.url = url
        func fail(_ problem: String) -> StoreError { .importFailed(file: url.path, problem: problem) }
        let file = try TensorContainer.open(url)
        if case let .npy(view) = file {
            hidden = .stacked(view)
        } else if file.contains(Self.stackedKey) {
            hidden = .stacked(try file.view(Self.stackedKey))
        } else {
            var views: [Int: TensorView] = [:]
            for name in file.names where name.hasPrefix(Self.stackedKey + ".") {
                guard let l = Int(name.dropFirst(Self.stackedKey.count + 1)), l >= 0 else { continue }
                views[l] = try file.view(name)
            }
            guard !views.isEmpty else {
                throw fail("there is no 'hidden_states' array [layers, images, tokens, dim] and no 'hidden_states.{l}' arrays (the file has: \(file.names.joined(separator: ", ")))")
            }
            hidden = .perLayer(views)
        }
        switch hidden {
        case let .stacked(v):
            guard v.shape.count == 4, v.shape.allSatisfy({ $0 > 0 }) else {
                throw fail("'\(v.info.name)' has shape \(v.shape); expected [layers, images, tokens, dim]")
            }
            (images, tokens, dim) = (v.shape[1], v.shape[2], v.shape[3])
            layers = Array(0..<v.shape[0])
        case let .perLayer(views):
            let first = views[views.keys.min()!]!
            guard first.shape.count == 3, first.shape.allSatisfy({ $0 > 0 }) else {
                throw fail("'\(first.info.name)' has shape \(first.shape); expected [images, tokens, dim]")
            }
            for v in views.values where v.shape != first.shape {
                throw fail("'\(v.info.name)' has shape \(v.shape) but '\(first.info.name)' has \(first.shape)")
            }
            (images, tokens, dim) = (first.shape[0], first.shape[1], first.shape[2])
            layers = views.keys.sorted()
        }
        let hiddenViews: [TensorView]
        switch hidden {
        case let .stacked(v): hiddenViews = [v]
        case let .perLayer(views): hiddenViews = Array(views.values)
        }
        for v in hiddenViews where !v.dtype.isFloatingPoint {
            throw fail("'\(v.info.name)' has dtype \(v.dtype.rawValue); hidden states must be floats")
        }
        if file.contains(Self.attentionKey) {
            let a = try file.view(Self.attentionKey)
            guard a.shape.count == 5, a.shape[1] == images, a.shape[3] == tokens, a.shape[4] == tokens, a.shape[0] > 0, a.shape[2] > 0 else {
                throw fail("'attentions' has shape \(a.shape); expected [layers, \(images), heads, \(tokens), \(tokens)] to match the hidden states")
            }
            guard a.dtype.isFloatingPoint else { throw fail("'attentions' has dtype \(a.dtype.rawValue); expected floats") }
            attentions = a
        } else {
            attentions = nil
        }
        ids = try Self.readIDs(file, images: images, url: url)
    }

    private static func readIDs(_ file: TensorContainer, images: Int, url: URL) throws -> [String]? {
        var ids: [String]?
        if let json = file.metadata[idsKey] {
            guard let list = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
                throw StoreError.importFailed(file: url.path, problem: "the metadata 'image_ids' is not a JSON list of strings")
            }
            ids = list
        } else if file.contains(idsKey) {
            if case .npz = file { ids = try file.strings(idsKey) } else { ids = try file.view(idsKey).tensor().int64s().map(String.init) }
        }
        if let ids, ids.count != images {
            throw StoreError.importFailed(file: url.path, problem: "'image_ids' has \(ids.count) entries but the hidden states hold \(images) images")
        }
        return ids
    }

    /// Hidden states `[T*D]` of image `i` at layer `l`.
    func hidden(layer l: Int, image i: Int) throws -> [Float] {
        let size = tokens * dim
        switch hidden {
        case let .stacked(v):
            let start = (l * images + i) * size
            return try v.floats(elements: start..<(start + size))
        case let .perLayer(views):
            return try views[l]!.floats(rows: i..<(i + 1))
        }
    }

    /// Attention `[H*T*T]` of image `i` in HF entry `block` (the attention inside block `block + 1`).
    func attention(block: Int, image i: Int) throws -> [Float] {
        let size = heads * tokens * tokens
        let start = (block * images + i) * size
        return try attentions!.floats(elements: start..<(start + size))
    }
}
