import Foundation

/// The parsed and fully validated JSON header of a safetensors file.
///
/// Layout of the file: 8 bytes little-endian u64 `N`, then `N` bytes of JSON
/// `{"NAME": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}`,
/// then the data region; offsets are relative to the start of the data region.
struct SafetensorsHeader {
    struct Entry {
        let info: TensorInfo
        /// Byte range inside the data region.
        let span: Range<Int>
    }

    /// Entries in file order (by data offset, then name).
    let entries: [Entry]
    let metadata: [String: String]

    /// The largest header this reader accepts (the reference implementation's limit).
    static let maximumHeaderLength = 100_000_000

    /// Validates everything the header claims against the data region size.
    /// - Throws: `TensorFileError` naming `file` and the first problem found.
    static func parse(_ json: UnsafeRawBufferPointer, dataSize: Int, file: String) throws -> SafetensorsHeader {
        let raw: RawHeader
        do {
            raw = try JSONDecoder().decode(RawHeader.self, from: Data(json))
        } catch let error as DecodingError {
            throw TensorFileError.badHeader(file: file, problem: describe(error))
        }
        var entries: [Entry] = []
        entries.reserveCapacity(raw.entries.count)
        for (name, entry) in raw.entries {
            entries.append(try validate(name: name, entry: entry, dataSize: dataSize, file: file))
        }
        entries.sort {
            ($0.span.lowerBound, $0.span.upperBound, $0.info.name) < ($1.span.lowerBound, $1.span.upperBound, $1.info.name)
        }
        // The reference (huggingface/safetensors `Metadata::validate` and `read_metadata`) accepts
        // a file only when its tensors, sorted by (begin, end), tile the data region exactly:
        // each starts where the previous ended, the first at 0, the last ends at the file's end.
        // Bytes outside every tensor would let one file be two formats at once (its `polyglot`
        // test), so a gap or trailing bytes are refused as well as an overlap.
        var covered = 0
        var previous: Entry?
        for entry in entries {
            if entry.span.lowerBound < covered, let p = previous {
                throw TensorFileError.overlappingTensors(file: file, first: p.info.name, second: entry.info.name)
            }
            if entry.span.lowerBound > covered {
                throw TensorFileError.uncoveredData(file: file, bytes: covered..<entry.span.lowerBound, after: previous?.info.name)
            }
            covered = entry.span.upperBound
            previous = entry
        }
        guard covered == dataSize else {
            throw TensorFileError.uncoveredData(file: file, bytes: covered..<dataSize, after: previous?.info.name)
        }
        return SafetensorsHeader(entries: entries, metadata: raw.metadata)
    }

    private static func validate(name: String, entry: RawEntry, dataSize: Int, file: String) throws -> Entry {
        guard let dtype = DType(rawValue: entry.dtype) else {
            throw TensorFileError.unknownDType(file: file, tensor: name, dtype: entry.dtype)
        }
        let shapeText = "[" + entry.shape.map(\.text).joined(separator: ", ") + "]"
        var shape: [Int] = []
        for dim in entry.shape {
            guard let value = dim.value else {
                throw TensorFileError.badShape(file: file, tensor: name, shape: shapeText, problem: "dimension \(dim.text) is not an integer that fits in 64 bits")
            }
            guard value >= 0 else {
                throw TensorFileError.badShape(file: file, tensor: name, shape: shapeText, problem: "dimension \(value) is negative")
            }
            shape.append(value)
        }
        guard let expected = Shape.byteCount(shape, dtype: dtype) else {
            throw TensorFileError.badShape(file: file, tensor: name, shape: shapeText, problem: "the size in bytes overflows 64 bits")
        }
        guard entry.dataOffsets.count == 2, let begin = entry.dataOffsets[0].value, let end = entry.dataOffsets[1].value else {
            throw TensorFileError.badHeader(file: file, problem: "tensor '\(name)' must have data_offsets [begin, end] of two integers")
        }
        guard begin >= 0, begin <= end, end <= dataSize else {
            throw TensorFileError.offsetsOutOfBounds(file: file, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        guard expected == end - begin else {
            throw TensorFileError.sizeMismatch(file: file, tensor: name, expected: expected, actual: end - begin)
        }
        return Entry(info: TensorInfo(name: name, dtype: dtype, shape: shape), span: begin..<end)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the top level" : "'" + keys.joined(separator: ".") + "'"
        }
        switch error {
        case let .dataCorrupted(context) where context.codingPath.isEmpty:
            return "it is not JSON (\(context.debugDescription))"
        case let .dataCorrupted(context):
            return "\(path(context)) is malformed (\(context.debugDescription))"
        case let .typeMismatch(type, context):
            return "\(path(context)) is not a \(type == String.self ? "string" : String(describing: type)) (expected an object of tensors with dtype, shape, data_offsets and an optional __metadata__ of strings)"
        case let .keyNotFound(key, context):
            return "\(path(context)) has no '\(key.stringValue)' field"
        case let .valueNotFound(_, context):
            return "\(path(context)) is null"
        @unknown default:
            return "\(error)"
        }
    }
}

// MARK: - Raw JSON shape

/// Any JSON object key.
private struct AnyKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

private struct RawHeader: Decodable {
    var entries: [(String, RawEntry)] = []
    var metadata: [String: String] = [:]

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys {
            if key.stringValue == "__metadata__" {
                metadata = try container.decode([String: String].self, forKey: key)
            } else {
                entries.append((key.stringValue, try container.decode(RawEntry.self, forKey: key)))
            }
        }
    }
}

private struct RawEntry: Decodable {
    let dtype: String
    let shape: [Dimension]
    let dataOffsets: [Dimension]

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }
}

/// A JSON number that should be an integer; keeps its text when it is not (1e30, 2.5, "7").
private struct Dimension: Decodable {
    let value: Int?
    let text: String

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let v = try? c.decode(Int.self) {
            value = v
            text = String(v)
        } else if let d = try? c.decode(Double.self) {
            value = nil
            text = String(d)
        } else if let s = try? c.decode(String.self) {
            value = nil
            text = "\"\(s)\""
        } else {
            value = nil
            text = "a non-number"
        }
    }
}
