import Foundation
import TensorFiles

extension StoreReader {
    /// Writes the sink masks of one detection method, replacing earlier masks of that method.
    ///
    /// The masks go into one file per shard, `masks-{method}-{generation}-{shard}.safetensors`
    /// with keys `sink.{method}.{l}` u8 `[n, T]`; then the manifest is rewritten (atomically)
    /// to list them; then the files of the method's previous masks are removed. An interruption
    /// at any point leaves the previous manifest and the files it lists intact. For masks made
    /// shard by shard, write through a `MaskSpool` instead (this is a spool fed whole layers).
    /// - Parameters:
    ///   - method: letters, digits, `_` and `-` (it becomes part of keys and file names).
    ///   - parameters: the detection parameters, recorded as given.
    ///   - masks: layer → `[N*T]` for all N images of the store in store order (nonzero = sink).
    public func writeMasks(method: String, parameters: [String: String], masks: [Int: [UInt8]]) throws {
        func bad(_ problem: String) -> StoreError { .invalidMasks(store: url.path, problem: problem) }
        guard StoreKeys.isValidMethodName(method) else { throw bad("method name '\(method)' must use only letters, digits, '_' and '-'") }
        guard !masks.isEmpty else { throw bad("no layers were given") }
        let spool = try MaskSpool(store: self, method: method)
        defer { spool.discard() }
        let m = manifest, n = m.images.count, t = m.model.tokens
        for l in masks.keys.sorted() {
            let values = masks[l]!
            guard m.capturedLayers.contains(l) else { throw bad("layer \(l) is not a captured layer (\(m.capturedLayers))") }
            guard values.count == n * t else { throw bad("the layer \(l) mask has \(values.count) values, expected n×T = \(n)×\(t)") }
            for (s, shard) in m.shards.enumerated() {
                try spool.append(layer: l, shard: s, values: Array(values[(shard.firstImage * t)..<((shard.firstImage + shard.count) * t)]))
            }
        }
        try spool.commit(parameters: parameters)
    }
}
