import Support
import Foundation
import TensorFiles

/// What `sinkscope inspect PATH` reports: the arrays of a tensor file, or a store's model,
/// layers, images, labels, tensors and masks.
public enum Inspection: Sendable, Encodable {
    case tensorFile(TensorFileSummary)
    case store(StoreSummary)

    /// Inspects a store directory or a `.safetensors` / `.npz` / `.npy` file.
    /// - Throws: the reader's error for a malformed file or store.
    public static func inspect(_ url: URL) throws -> Inspection {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw TensorFileError.unreadable(file: url.path, reason: "no such file or directory")
        }
        if isDirectory.boolValue { return .store(try StoreSummary(store: StoreReader(url: url))) }
        let file = try TensorContainer.open(url)
        let arrays = try file.describe().map { TensorFileSummary.Array(name: $0.name, dtype: $0.dtype, shape: $0.shape) }
        return .tensorFile(TensorFileSummary(path: url.path, format: file.format, arrays: arrays, metadata: file.metadata))
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .tensorFile(s): try s.encode(to: encoder)
        case let .store(s): try s.encode(to: encoder)
        }
    }

    /// Sorted, pretty JSON.
    public var json: String {
        let encoder = JSONCoding.encoder()
        return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
    }

    /// Human-readable lines.
    public var text: String {
        switch self {
        case let .tensorFile(s): return s.text
        case let .store(s): return s.text
        }
    }
}

/// The arrays of one tensor file.
public struct TensorFileSummary: Sendable, Codable, Equatable {
    public struct Array: Sendable, Codable, Equatable {
        public var name: String
        /// `DType` name, or `str(<U8)` for numpy string arrays.
        public var dtype: String
        public var shape: [Int]
    }

    public var kind = "tensor-file"
    public var path: String
    /// "safetensors", "npz" or "npy".
    public var format: String
    public var arrays: [Array]
    public var metadata: [String: String]

    var text: String {
        var lines = ["\(path): \(format), \(arrays.count) array\(arrays.count == 1 ? "" : "s")"]
        let width = arrays.map(\.name.count).max() ?? 0
        for a in arrays {
            lines.append("  " + padded(a.name, width) + "  " + padded(a.dtype, 5) + " [" + a.shape.map(String.init).joined(separator: ", ") + "]")
        }
        for key in metadata.keys.sorted() { lines.append("  metadata \(key) = \(metadata[key]!)") }
        return lines.joined(separator: "\n")
    }
}

/// `s` followed by spaces up to `width` (never truncated).
func padded(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}
