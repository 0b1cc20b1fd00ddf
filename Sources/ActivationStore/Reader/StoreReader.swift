import Foundation
import TensorFiles

/// Reads a store without loading it: each call opens (memory-maps) only the shards that hold
/// the requested images and reads only their rows.
///
///     let store = try StoreReader(url: URL(fileURLWithPath: "runs/dinov2"))
///     let x = try store.hidden(layer: 8, images: [0, 5, 6])   // [3, T, D]
///
/// Glossary: n requested images, T tokens, D hidden, H heads, L blocks.
public struct StoreReader: Sendable {
    public let url: URL
    let box: ManifestBox

    /// Opens `url` and validates its manifest (every listed shard must exist).
    /// - Throws: `StoreError.notAStore`, `.badManifest`, `.unsupportedVersion`, `.missingShard`.
    public init(url: URL) throws {
        self.url = url
        box = ManifestBox(try Manifest.read(store: url))
    }

    /// The manifest as last read or written by this reader (`writeMasks` updates it).
    public var manifest: Manifest { box.value }
    public var model: ModelInfo { manifest.model }
    public var images: [ImageEntry] { manifest.images }
    /// Captured layers, ascending.
    public var layers: [Int] { manifest.capturedLayers }
    /// Detection methods with masks, sorted.
    public var maskMethods: [String] { manifest.masks.keys.sorted() }

    // MARK: - Tensors

    /// Hidden states `[n, T, D]` of `layer` for image indices `images` (all if nil), in that order.
    public func hidden(layer: Int, images: [Int]? = nil) throws -> [Float] {
        guard manifest.capturedLayers.contains(layer) else { throw notCaptured("hidden states", layer, manifest.capturedLayers) }
        return try gather(StoreKeys.hidden(layer), rowShape: [model.tokens, model.hiddenSize], images: images) { try $0.floats(rows: $1) }
    }

    /// Token L2 norms `[n, L+1, T]`; rows of layers not in `layers` are NaN.
    public func norms(images: [Int]? = nil) throws -> [Float] {
        try gather(StoreKeys.norm, rowShape: [model.layers + 1, model.tokens], images: images) { try $0.floats(rows: $1) }
    }

    /// Token L2 norms `[n, T]` of a captured `layer`.
    public func norms(layer: Int, images: [Int]? = nil) throws -> [Float] {
        guard manifest.capturedLayers.contains(layer) else { throw notCaptured("token norms", layer, manifest.capturedLayers) }
        let t = model.tokens, perImage = (model.layers + 1) * t
        return try gather(StoreKeys.norm, rowShape: [model.layers + 1, t], images: images) { view, rows in
            var out: [Float] = []
            out.reserveCapacity(rows.count * t)
            for r in rows {
                let start = r * perImage + layer * t
                out += try view.floats(elements: start..<(start + t))
            }
            return out
        }
    }

    /// Attention received `[n, T]` (head-mean column sum) at `layer`.
    public func received(layer: Int, images: [Int]? = nil) throws -> [Float] {
        guard manifest.receivedLayers.contains(layer) else { throw notCaptured("received attention", layer, manifest.receivedLayers) }
        return try gather(StoreKeys.received(layer), rowShape: [model.tokens], images: images) { try $0.floats(rows: $1) }
    }

    /// What the tower's patch merger hands the language model, `[n, M, D_llm]` (`Manifest.merged`).
    public func merged(images: [Int]? = nil) throws -> [Float] {
        guard let s = manifest.merged else {
            throw StoreError.notCaptured(store: url.path, what: "merged tokens (the tower has no patch merger, or they were not extracted)",
                                         layer: model.layers, available: [])
        }
        return try gather(StoreKeys.merged, rowShape: [s.tokens, s.hiddenSize], images: images) { try $0.floats(rows: $1) }
    }

    /// Attention probabilities `[n, H, T, T]` (head, query, key) at `layer`.
    public func attention(layer: Int, images: [Int]? = nil) throws -> [Float] {
        guard manifest.attentionLayers.contains(layer) else { throw notCaptured("whole attention", layer, manifest.attentionLayers) }
        let t = model.tokens
        return try gather(StoreKeys.attention(layer), rowShape: [model.heads, t, t], images: images) { try $0.floats(rows: $1) }
    }

    /// Sink mask `[n, T]` (1 = sink) of `method` at `layer`.
    public func mask(method: String, layer: Int, images: [Int]? = nil) throws -> [UInt8] {
        guard let set = manifest.masks[method] else { throw StoreError.unknownMask(store: url.path, method: method, available: maskMethods) }
        guard set.layers.contains(layer) else { throw notCaptured("the '\(method)' sink mask", layer, set.layers) }
        return try gather(StoreKeys.mask(method, layer), rowShape: [model.tokens], images: images, files: set.files) { try $0.bytes(rows: $1) }
    }

    /// Calls `body` once per shard, in order, with access to that shard's rows only; for
    /// passes over stores larger than memory (e.g. PCA covariance accumulation).
    public func forEachShard(_ body: (ShardSlice) throws -> Void) throws {
        for index in manifest.shards.indices { try body(ShardSlice(store: self, index: index)) }
    }

    // MARK: - Row gathering

    /// Rows of tensor `key` for `images`, reading consecutive rows of a shard in one slice.
    /// `files` names the file per shard (the shards themselves unless masks).
    func gather<T>(_ key: String, rowShape: [Int], images: [Int]?, files: [String]? = nil,
                   read: (TensorView, Range<Int>) throws -> [T]) throws -> [T] {
        let m = manifest
        let indices = images ?? Array(0..<m.images.count)
        var out: [T] = []
        var opened: [Int: TensorView] = [:]
        var i = 0
        while i < indices.count {
            let s = try shardIndex(of: indices[i], in: m)
            let shard = m.shards[s]
            var end = i + 1
            while end < indices.count, indices[end] == indices[end - 1] + 1, shard.imageRange.contains(indices[end]) { end += 1 }
            if opened[s] == nil {
                opened[s] = try view(key, shard: s, rowShape: rowShape, file: files?[s] ?? shard.file, manifest: m)
            }
            let first = indices[i] - shard.firstImage
            out += try read(opened[s]!, first..<(first + end - i))
            i = end
        }
        return out
    }

    /// The view of `key` in shard `s`, checked to be `[shard.count] + rowShape`.
    func view(_ key: String, shard s: Int, rowShape: [Int], file: String, manifest m: Manifest) throws -> TensorView {
        let fileURL = url.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: fileURL.path) else { throw StoreError.missingShard(store: url.path, file: file) }
        let view = try SafetensorsFile(url: fileURL).view(key)
        let expected = [m.shards[s].count] + rowShape
        guard view.shape == expected else {
            throw StoreError.corruptShard(file: fileURL.path, problem: "'\(key)' has shape \(view.shape), expected \(expected)")
        }
        return view
    }

    private func shardIndex(of image: Int, in m: Manifest) throws -> Int {
        guard image >= 0, image < m.images.count else { throw StoreError.imageIndexOutOfRange(index: image, count: m.images.count) }
        // Binary search: the last shard whose first image is <= image.
        var lo = 0, hi = m.shards.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if m.shards[mid].firstImage <= image { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    private func notCaptured(_ what: String, _ layer: Int, _ available: [Int]) -> StoreError {
        .notCaptured(store: url.path, what: what, layer: layer, available: available)
    }
}

/// The manifest shared by copies of a reader, so masks written through one copy are visible
/// to all. Guarded by a lock; the manifest itself is a value.
final class ManifestBox: @unchecked Sendable {
    private let lock = NSLock()
    private var manifest: Manifest

    init(_ manifest: Manifest) { self.manifest = manifest }

    var value: Manifest {
        get { lock.lock(); defer { lock.unlock() }; return manifest }
        set { lock.lock(); manifest = newValue; lock.unlock() }
    }
}
