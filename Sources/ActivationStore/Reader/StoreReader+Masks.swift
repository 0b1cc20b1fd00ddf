import Foundation
import TensorFiles

extension StoreReader {
    /// Writes the sink masks of one detection method, replacing earlier masks of that method.
    ///
    /// The masks go into one file per shard, `masks-{method}-{generation}-{shard}.safetensors`
    /// with keys `sink.{method}.{l}` u8 `[n, T]`; then the manifest is rewritten (atomically)
    /// to list them; then the files of the method's previous masks are removed. An interruption
    /// at any point leaves the previous manifest and the files it lists intact.
    /// - Parameters:
    ///   - method: letters, digits, `_` and `-` (it becomes part of keys and file names).
    ///   - parameters: the detection parameters, recorded as given.
    ///   - masks: layer → `[N*T]` for all N images of the store in store order (nonzero = sink).
    public func writeMasks(method: String, parameters: [String: String], masks: [Int: [UInt8]]) throws {
        func bad(_ problem: String) -> StoreError { .invalidMasks(store: url.path, problem: problem) }
        guard StoreKeys.isValidMethodName(method) else { throw bad("method name '\(method)' must use only letters, digits, '_' and '-'") }
        guard !masks.isEmpty else { throw bad("no layers were given") }
        var current = try Manifest.read(store: url)
        guard current.images.map(\.id) == manifest.images.map(\.id) else { throw bad("the store changed since it was opened; open it again") }
        let n = current.images.count, t = current.model.tokens
        for (l, m) in masks {
            guard current.capturedLayers.contains(l) else { throw bad("layer \(l) is not a captured layer (\(current.capturedLayers))") }
            guard m.count == n * t else { throw bad("the layer \(l) mask has \(m.count) values, expected n×T = \(n)×\(t)") }
        }
        let layers = masks.keys.sorted()
        let generation = String(UUID().uuidString.prefix(8)).lowercased()
        var written: [String] = []
        do {
            for (s, shard) in current.shards.enumerated() {
                let file = StoreKeys.maskFile(method, generation: generation, shard: s)
                let tensors = layers.map { l -> (name: String, tensor: Tensor) in
                    let rows = masks[l]![(shard.firstImage * t)..<((shard.firstImage + shard.count) * t)]
                    return (StoreKeys.mask(method, l), Tensor(bytes: rows.map { $0 != 0 ? 1 : 0 }, shape: [shard.count, t]))
                }
                written.append(file)
                try SafetensorsWriter.write(tensors, metadata: ["method": method], to: url.appendingPathComponent(file))
            }
            let previous = current.masks[method]?.files ?? []
            current.masks[method] = MaskSet(layers: layers, parameters: parameters, files: written)
            try current.write(store: url)
            box.value = current
            for file in previous { try? FileManager.default.removeItem(at: url.appendingPathComponent(file)) }
        } catch {
            for file in written { try? FileManager.default.removeItem(at: url.appendingPathComponent(file)) }
            throw error
        }
    }
}
