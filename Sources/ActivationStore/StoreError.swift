import Foundation

/// Everything that can be wrong with a store, its inputs or an import. Each case carries the
/// path or value at fault and prints as one sentence saying what to change.
public enum StoreError: Error, CustomStringConvertible, LocalizedError, Equatable {
    case notAStore(path: String)
    case badManifest(path: String, problem: String)
    case unsupportedVersion(path: String, format: String, version: Int)
    case missingShard(store: String, file: String)
    case corruptShard(file: String, problem: String)
    case storeExists(path: String)
    case incompatibleResume(path: String, problem: String)
    case invalidModel(problem: String)
    case invalidActivations(image: String, problem: String)
    case duplicateImage(id: String)
    case notCaptured(store: String, what: String, layer: Int, available: [Int])
    case unknownMask(store: String, method: String, available: [String])
    case invalidMasks(store: String, problem: String)
    case imageIndexOutOfRange(index: Int, count: Int)
    case writeFailed(path: String, reason: String)
    case labels(file: String, problem: String)
    case importFailed(file: String, problem: String)
    case notLVLMStore(path: String)
    case invalidShard(text: String, problem: String)
    case mergeRefused(problem: String)

    public var description: String {
        switch self {
        case let .notAStore(path):
            return "\(path): not a SinkScope store (there is no manifest.json; an interrupted write leaves none)."
        case let .badManifest(path, problem):
            return "\(path): the manifest is not valid: \(problem)."
        case let .unsupportedVersion(path, format, version):
            return "\(path): format '\(format)' version \(version) is not supported (expected '\(Manifest.formatName)' version \(Manifest.currentVersion))."
        case let .missingShard(store, file):
            return "\(store): the manifest lists shard '\(file)' but the file is missing."
        case let .corruptShard(file, problem):
            return "\(file): the shard does not match the manifest: \(problem)."
        case let .storeExists(path):
            return "\(path): a store already exists here; resume it to append, or remove it or choose another output."
        case let .incompatibleResume(path, problem):
            return "\(path): cannot append to the existing store: \(problem)."
        case let .invalidModel(problem):
            return "The model description is not valid: \(problem)."
        case let .invalidActivations(image, problem):
            return "Activations of image '\(image)' are not valid: \(problem)."
        case let .duplicateImage(id):
            return "Image id '\(id)' occurs twice; image ids must be unique within a store."
        case let .notCaptured(store, what, layer, available):
            let list = available.isEmpty ? "none were captured" : "available layers: \(available.map(String.init).joined(separator: ", "))"
            return "\(store): \(what) for layer \(layer) is not in the store (\(list))."
        case let .unknownMask(store, method, available):
            let list = available.isEmpty ? "none; run detect first" : available.joined(separator: ", ")
            return "\(store): there are no '\(method)' sink masks (methods present: \(list))."
        case let .invalidMasks(store, problem):
            return "\(store): cannot write masks: \(problem)."
        case let .imageIndexOutOfRange(index, count):
            return "Image index \(index) is outside the store's \(count) images."
        case let .writeFailed(path, reason):
            return "\(path): cannot write (\(reason))."
        case let .labels(file, problem):
            return "\(file): \(problem)."
        case let .importFailed(file, problem):
            return "\(file): cannot import: \(problem)."
        case let .notLVLMStore(path):
            return "\(path): the store holds no language-model data; import an LVLM dump with 'sinkscope import --lvlm'."
        case let .invalidShard(text, problem):
            return "Shard '\(text)' is not valid: \(problem)."
        case let .mergeRefused(problem):
            return "Cannot merge: \(problem)."
        }
    }

    public var errorDescription: String? { description }
}
