import Foundation

/// `model.safetensors.index.json` of a sharded HF checkpoint: `{"metadata": {...}, "weight_map":
/// {"<tensor name>": "<shard file name>", ...}}`.
struct CheckpointIndex: Sendable {
    /// Tensor name → shard file name (a plain file name in the same folder).
    let weightMap: [String: String]
    /// The distinct shard file names, sorted.
    var shards: [String] { Set(weightMap.values).sorted() }

    static func url(in folder: URL) -> URL { folder.appendingPathComponent("model.safetensors.index.json") }

    /// Reads the index file at `url`.
    /// - Throws: `ModelError.missingFile` when it cannot be read, else the errors of `init(data:path:)`.
    init(url: URL) throws {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw ModelError.missingFile(path: url.path, hint: "the checkpoint index cannot be read")
        }
        try self.init(data: data, path: url.path)
    }

    /// Parses the index's bytes (the file reader and the fuzz target both come here).
    /// - Parameters: data: the file's contents; path: its path, for messages.
    /// - Throws: `ModelError.badConfig` naming `path` when it is not JSON, has no `weight_map`
    ///   object of strings, or names a shard outside the folder.
    init(data: Data, path: String) throws {
        func bad(_ reason: String) -> ModelError { .badConfig(path: path, reason: reason) }
        guard data.count < 100_000_000, let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw bad("it is not a JSON object")
        }
        guard let map = object["weight_map"] as? [String: Any] else { throw bad("it has no weight_map object") }
        var weightMap: [String: String] = [:]
        for (name, value) in map {
            guard let shard = value as? String else { throw bad("weight_map['\(name)'] is not a file name") }
            guard !shard.isEmpty, !shard.contains("/"), shard != "..", shard != "." else {
                throw bad("weight_map['\(name)'] = '\(shard)' is not a file in the checkpoint folder")
            }
            weightMap[name] = shard
        }
        guard !weightMap.isEmpty else { throw bad("its weight_map is empty") }
        self.weightMap = weightMap
    }
}
