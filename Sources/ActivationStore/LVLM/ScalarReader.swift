import Foundation
import TensorFiles

/// Reads the optional arrays and scalars of an LVLM dump with their checks: a scalar is a 0-d (or
/// one-element) integer array in `.npz`, or a `__metadata__` entry in `.safetensors`.
struct ScalarReader {
    let file: TensorContainer
    let url: URL

    private func fail(_ problem: String) -> StoreError { .importFailed(file: url.path, problem: problem) }

    /// A float array of the given rank with no empty axis, or nil when absent.
    func floatView(_ name: String, rank: Int, meaning: String) throws -> TensorView? {
        guard file.contains(name) else { return nil }
        let v = try file.view(name)
        guard v.shape.count == rank, v.shape.allSatisfy({ $0 > 0 }) else {
            throw fail("'\(name)' has shape \(v.shape); expected \(meaning)")
        }
        guard v.dtype.isFloatingPoint else { throw fail("'\(name)' has dtype \(v.dtype.rawValue); expected floats") }
        return v
    }

    /// An integer array, or nil when absent.
    func intView(_ name: String) throws -> TensorView? {
        guard file.contains(name) else { return nil }
        let v = try file.view(name)
        guard !v.dtype.isFloatingPoint, v.dtype != .bool else { throw fail("'\(name)' has dtype \(v.dtype.rawValue); expected integers") }
        return v
    }

    /// A scalar integer from the metadata or a one-element array.
    func int(_ name: String) throws -> Int? {
        if let text = file.metadata[name] {
            guard let v = Int(text.trimmingCharacters(in: .whitespaces)) else { throw fail("the metadata '\(name)' = '\(text)' is not an integer") }
            return v
        }
        guard let v = try intView(name) else { return nil }
        guard v.count == 1 else { throw fail("'\(name)' has shape \(v.shape); expected a single integer") }
        return Int(clamping: try v.tensor().int64s()[0])
    }

    /// `[count]` integers from an array of shape [count] (or a scalar, repeated), or nil when absent.
    func ints(_ name: String, count: Int) throws -> [Int]? {
        if file.metadata[name] != nil, let v = try int(name) { return Array(repeating: v, count: count) }
        guard let v = try intView(name) else { return nil }
        let values = try v.tensor().int64s().map { Int(clamping: $0) }
        if values.count == 1 { return Array(repeating: values[0], count: count) }
        guard v.shape == [count] else { throw fail("'\(name)' has shape \(v.shape); expected [\(count)] (one per image) or a scalar") }
        return values
    }

    /// A string from the metadata or a 0-d string array (`.npz`).
    func string(_ name: String) throws -> String? {
        if let text = file.metadata[name] { return text }
        guard file.contains(name) else { return nil }
        let values = try file.strings(name)
        guard values.count == 1 else { throw fail("'\(name)' holds \(values.count) strings; expected one") }
        return values[0]
    }

    /// `image_ids`: strings or integers in an array of `count`, or a JSON list in the metadata.
    func ids(count: Int) throws -> [String]? {
        var ids: [String]?
        if let json = file.metadata["image_ids"] {
            guard let list = try? JSONDecoder().decode([String].self, from: Data(json.utf8)) else {
                throw fail("the metadata 'image_ids' is not a JSON list of strings")
            }
            ids = list
        } else if file.contains("image_ids") {
            if case .npz = file, (try? file.view("image_ids")) == nil {
                ids = try file.strings("image_ids")
            } else {
                ids = try file.view("image_ids").tensor().int64s().map(String.init)
            }
        }
        if let ids, ids.count != count { throw fail("'image_ids' has \(ids.count) entries but the dump holds \(count) images") }
        return ids
    }
}
