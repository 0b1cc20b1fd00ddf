import Support
import Foundation
import TensorFiles

extension Manifest {
    /// Reads and validates `STORE/manifest.json`.
    /// - Throws: `StoreError.notAStore`, `.badManifest`, `.unsupportedVersion`, `.missingShard`.
    static func read(store: URL) throws -> Manifest {
        let url = store.appendingPathComponent(StoreKeys.manifest)
        guard FileManager.default.fileExists(atPath: url.path) else { throw StoreError.notAStore(path: store.path) }
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
        } catch let error as DecodingError {
            throw StoreError.badManifest(path: url.path, problem: Self.describe(error))
        } catch {
            throw StoreError.badManifest(path: url.path, problem: error.localizedDescription)
        }
        try manifest.validate(store: store)
        return manifest
    }

    /// Writes `STORE/manifest.json` atomically (temporary file, then rename).
    func write(store: URL) throws {
        let encoder = JSONCoding.encoder()
        let data = try encoder.encode(self)
        try AtomicFile.write(Array(data) + [0x0A], to: store.appendingPathComponent(StoreKeys.manifest))
    }

    /// Checks the manifest against itself and the directory (shard files present, images covered).
    func validate(store: URL) throws {
        let path = store.appendingPathComponent(StoreKeys.manifest).path
        guard format == Self.formatName, version == Self.currentVersion else {
            throw StoreError.unsupportedVersion(path: path, format: format, version: version)
        }
        func bad(_ problem: String) -> StoreError { .badManifest(path: path, problem: problem) }
        if let problem = model.problem { throw bad("model: \(problem)") }
        for layers in [capturedLayers, receivedLayers, attentionLayers] {
            guard layers == Array(Set(layers)).sorted(), layers.allSatisfy({ (0...model.layers).contains($0) }) else {
                throw bad("layer lists must be ascending, unique and within 0...\(model.layers)")
            }
        }
        guard hiddenDType == .f16 || hiddenDType == .f32 else { throw bad("hidden_dtype must be F16 or F32, not \(hiddenDType.rawValue)") }
        guard Set(images.map(\.id)).count == images.count else { throw bad("image ids are not unique") }
        var next = 0
        for shard in shards {
            guard StoreKeys.isPlainFileName(shard.file) else { throw bad("shard file '\(shard.file)' is not a plain file name") }
            guard shard.firstImage == next, shard.count > 0 else { throw bad("shard '\(shard.file)' does not continue at image \(next)") }
            next += shard.count
            guard FileManager.default.fileExists(atPath: store.appendingPathComponent(shard.file).path) else {
                throw StoreError.missingShard(store: store.path, file: shard.file)
            }
        }
        guard next == images.count else { throw bad("the shards hold \(next) images but \(images.count) are listed") }
        for (method, set) in masks {
            guard StoreKeys.isValidMethodName(method), set.files.count == shards.count, set.files.allSatisfy(StoreKeys.isPlainFileName) else {
                throw bad("mask method '\(method)' must have a valid name and one plain file per shard")
            }
            for file in set.files where !FileManager.default.fileExists(atPath: store.appendingPathComponent(file).path) {
                throw StoreError.missingShard(store: store.path, file: file)
            }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .dataCorrupted(c): return c.codingPath.isEmpty ? "it is not JSON" : "'\(c.codingPath.map(\.stringValue).joined(separator: "."))' is malformed"
        case let .keyNotFound(key, c): return "'\((c.codingPath + [key]).map(\.stringValue).joined(separator: "."))' is missing"
        case let .typeMismatch(_, c), let .valueNotFound(_, c): return "'\(c.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        @unknown default: return "\(error)"
        }
    }
}
