import Foundation
import TensorFiles

/// Sink masks written layer by layer and shard by shard while a detection runs, so no layer's
/// masks over all images are ever in memory; `commit` turns them into the store's mask files.
///
/// The pieces go to a hidden directory inside the store (`.mask-spool-{method}-{UUID}`), one raw
/// `[n_s, T]` u8 file per (layer, shard). `commit` assembles one safetensors file per shard
/// (`masks-{method}-{generation}-{shard}.safetensors`, keys `sink.{method}.{l}`) inside the spool,
/// renames them into the store (same file system: atomic), rewrites the manifest atomically, then
/// removes the method's previous files and the spool. Until the manifest is rewritten the store
/// reads as before; `discard` (or a failure in `commit`) removes everything the spool made.
///
///     let spool = try MaskSpool(store: store, method: "topk")
///     try spool.append(layer: 8, shard: 0, values: maskOfShard0)   // [n_0 * T] u8
///     try spool.commit(parameters: ["k": "4"])
public final class MaskSpool {
    public let store: StoreReader
    public let method: String
    /// The hidden spool directory inside the store.
    public let directory: URL
    private let manifest: Manifest
    private var layers: Set<Int> = []
    /// Values spooled per [layer, shard].
    private var written: [[Int]: Int] = [:]
    private var finished = false

    /// Creates the spool directory.
    /// - Throws: `StoreError.invalidMasks` for a method name that cannot be part of a file name, or a
    ///   store that changed since it was opened; file-system errors creating the directory.
    public init(store: StoreReader, method: String) throws {
        guard StoreKeys.isValidMethodName(method) else {
            throw StoreError.invalidMasks(store: store.url.path, problem: "method name '\(method)' must use only letters, digits, '_' and '-'")
        }
        let current = try Manifest.read(store: store.url)
        guard current.images.map(\.id) == store.manifest.images.map(\.id) else {
            throw StoreError.invalidMasks(store: store.url.path, problem: "the store changed since it was opened; open it again")
        }
        self.store = store
        self.method = method
        self.manifest = current
        directory = store.url.appendingPathComponent(".mask-spool-\(method)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
    }

    deinit { if !finished { try? FileManager.default.removeItem(at: directory) } }

    /// Appends the mask of `layer` for the next images of shard `shard` (`[n_b, T]`, nonzero = sink);
    /// a shard's blocks must come in image order and together cover the shard.
    /// - Throws: `StoreError.invalidMasks` for a layer that is not captured, a shard index out of
    ///   range, or more values than the shard holds (n_s × T) or a length that is not a multiple of T.
    public func append(layer: Int, shard: Int, values: [UInt8]) throws {
        let t = manifest.model.tokens
        guard manifest.capturedLayers.contains(layer) else {
            throw bad("layer \(layer) is not a captured layer (\(manifest.capturedLayers))")
        }
        guard manifest.shards.indices.contains(shard) else { throw bad("shard \(shard) is not one of the \(manifest.shards.count) shards") }
        let n = manifest.shards[shard].count, before = written[[layer, shard]] ?? 0
        guard values.count % t == 0, before + values.count <= n * t else {
            throw bad("the layer \(layer) mask of shard \(shard) has \(before + values.count) values, expected n×T = \(n)×\(t)")
        }
        let url = piece(layer: layer, shard: shard), data = Data(values.map { $0 != 0 ? 1 : 0 })
        if before == 0 {
            try data.write(to: url)
        } else {
            let handle = try FileHandle(forWritingTo: url)
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: data)
        }
        layers.insert(layer)
        written[[layer, shard]] = before + values.count
    }

    /// Writes the store's mask files from the spooled pieces and lists them in the manifest.
    /// - Throws: `StoreError.invalidMasks` when no layer was spooled or a (layer, shard) piece is
    ///   missing; I/O errors. The store is left as it was on any error.
    public func commit(parameters: [String: String]) throws {
        defer { finished = true; try? FileManager.default.removeItem(at: directory) }
        guard !layers.isEmpty else { throw bad("no layers were given") }
        let sorted = layers.sorted(), t = manifest.model.tokens
        for l in sorted {
            for (s, shard) in manifest.shards.enumerated() where written[[l, s]] ?? 0 != shard.count * t {
                throw bad("layer \(l) has \(written[[l, s]] ?? 0) mask values for shard \(s), expected n×T = \(shard.count)×\(t)")
            }
        }
        var current = try Manifest.read(store: store.url)
        guard current.images.map(\.id) == manifest.images.map(\.id) else { throw bad("the store changed since it was opened; open it again") }
        let generation = String(UUID().uuidString.prefix(8)).lowercased()
        var files: [String] = [], moved: [URL] = []
        do {
            for (s, shard) in manifest.shards.enumerated() {
                let tensors = try sorted.map { l -> (name: String, tensor: Tensor) in
                    let bytes = [UInt8](try Data(contentsOf: piece(layer: l, shard: s)))
                    return (StoreKeys.mask(method, l), Tensor(bytes: bytes, shape: [shard.count, t]))
                }
                let file = StoreKeys.maskFile(method, generation: generation, shard: s)
                let staged = directory.appendingPathComponent(file), target = store.url.appendingPathComponent(file)
                try SafetensorsWriter.write(tensors, metadata: ["method": method], to: staged)
                try FileManager.default.moveItem(at: staged, to: target)
                moved.append(target)
                files.append(file)
            }
            let previous = current.masks[method]?.files ?? []
            current.masks[method] = MaskSet(layers: sorted, parameters: parameters, files: files)
            try current.write(store: store.url)
            store.box.value = current
            for file in previous { try? FileManager.default.removeItem(at: store.url.appendingPathComponent(file)) }
        } catch {
            for url in moved { try? FileManager.default.removeItem(at: url) }
            throw error
        }
    }

    /// Removes the spool and everything in it; the store is unchanged.
    public func discard() {
        finished = true
        try? FileManager.default.removeItem(at: directory)
    }

    private func piece(layer: Int, shard: Int) -> URL {
        directory.appendingPathComponent("\(StoreKeys.mask(method, layer))-\(shard).u8")
    }

    private func bad(_ problem: String) -> StoreError { .invalidMasks(store: store.url.path, problem: problem) }
}
