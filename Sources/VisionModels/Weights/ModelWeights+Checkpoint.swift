import Foundation
import TensorFiles

/// One tensor left in its memory-mapped safetensors file.
struct MappedTensor: Sendable {
    let file: SafetensorsFile
    /// The name stored in the file.
    let name: String
}

/// Which shard of a sharded checkpoint a tensor belongs in, for messages about missing tensors: the
/// shard the index names for it, else the shard of the indexed tensor whose name shares the longest
/// prefix with it (its neighbours in the same block).
struct ShardLocator: Sendable {
    /// Stored name → shard path, from the index.
    let shards: [String: String]

    func shard(for name: String) -> String {
        if let s = shards[name] { return "\(s) (where the index puts it)" }
        var best = (length: -1, shard: "")
        for (other, shard) in shards {
            let length = zip(name, other).prefix { $0 == $1 }.count
            if length > best.length || (length == best.length && shard < best.shard) { best = (length, shard) }
        }
        return "\(best.shard) (the shard of its neighbours; the index does not list it)"
    }
}

extension ModelWeights {
    /// The weights of a checkpoint folder, memory-mapped and read lazily: `model.safetensors.index.json`
    /// with its shards, or a single `model.safetensors`. Only each file's header is read here; a tensor's
    /// bytes are read (and F16 / BF16 / F64 converted to f32) when `tensor(_:shape:)` asks for it, so the
    /// LLM shards of an LVLM folder are mapped but never paged in.
    /// - Throws: `ModelError.missingFile` when the folder has neither file or the index names a shard
    ///   that does not exist, `.badConfig` for a malformed index, `TensorFileError` for a bad shard header.
    public init(checkpoint folder: URL) throws {
        let index = CheckpointIndex.url(in: folder)
        let single = folder.appendingPathComponent("model.safetensors")
        let fm = FileManager.default
        if fm.fileExists(atPath: index.path) {
            let parsed = try CheckpointIndex(url: index)
            self.init(source: index.path)
            var files: [String: SafetensorsFile] = [:]
            for shard in parsed.shards {
                let url = folder.appendingPathComponent(shard)
                guard fm.fileExists(atPath: url.path) else {
                    let count = parsed.weightMap.values.filter { $0 == shard }.count
                    throw ModelError.missingFile(
                        path: url.path, hint: "\(index.lastPathComponent) puts \(count) tensors in it; copy the complete checkpoint")
                }
                files[shard] = try SafetensorsFile(url: url)
            }
            // A tensor is reachable only where the index puts it (transformers reads it from there too).
            for (name, shard) in parsed.weightMap {
                if let file = files[shard], file.contains(name) { mapped[name] = MappedTensor(file: file, name: name) }
            }
            shardOf = ShardLocator(shards: parsed.weightMap.mapValues { folder.appendingPathComponent($0).path })
        } else if fm.fileExists(atPath: single.path) {
            let file = try SafetensorsFile(url: single)
            self.init(source: single.path)
            for name in file.names { mapped[name] = MappedTensor(file: file, name: name) }
        } else {
            throw ModelError.missingFile(
                path: single.path, hint: "a model folder needs model.safetensors (or model.safetensors.index.json and its shards) next to config.json")
        }
    }

    /// The tensors under `prefix`, renamed without it (e.g. an LVLM's `vision_tower.` so a tower family
    /// finds its own names); messages still give the stored names.
    public func scoped(to prefix: String) -> ModelWeights {
        guard !prefix.isEmpty else { return self }
        var view = ModelWeights(source: source)
        view.scope = scope + prefix
        view.shardOf = shardOf
        view.decodeThreads = decodeThreads
        for (name, e) in entries where name.hasPrefix(prefix) { view.entries[String(name.dropFirst(prefix.count))] = e }
        for (name, m) in mapped where name.hasPrefix(prefix) { view.mapped[String(name.dropFirst(prefix.count))] = m }
        return view
    }

    /// The first of `candidates` under which some stored name starts, if any.
    public func firstPrefix(of candidates: [String]) -> String? {
        let all = names
        return candidates.first { c in all.contains { $0.hasPrefix(c) } }
    }
}
