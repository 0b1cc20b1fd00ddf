import Foundation

/// A memory-mapped safetensors file. The whole header is validated on open (see
/// `SafetensorsHeader`); tensor data is read lazily, so a slice costs only its own pages.
///
///     let file = try SafetensorsFile(url: shard)
///     let x = try file.floats("hidden.4", rows: 10..<20)   // [10, T, D]
///
/// Nothing is allocated from header values before they are checked against the file size.
public final class SafetensorsFile: @unchecked Sendable {
    /// The path, for messages.
    public let path: String
    private let mapping: MappedFile
    private let dataStart: Int
    private let entries: [String: SafetensorsHeader.Entry]
    /// Tensor names in file order.
    public let names: [String]
    /// The `__metadata__` strings.
    public let metadata: [String: String]

    /// Opens and validates `url`.
    /// - Throws: `TensorFileError` for a truncated file, a header longer than the file, a header
    ///   that is not JSON, unknown dtypes, negative or overflowing shapes, offsets outside the
    ///   data region, overlapping or leaving bytes uncovered (a gap, or bytes after the last
    ///   tensor: the reference refuses such "polyglot" files too), and shape × dtype sizes that
    ///   differ from the offsets.
    public init(url: URL) throws {
        path = url.path
        mapping = try MappedFile(url: url)
        guard mapping.size >= 8 else {
            throw TensorFileError.truncated(file: path, needed: 8, available: mapping.size, what: "the 8-byte header length")
        }
        let headerLength = mapping.withBytes(0..<8) { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        guard headerLength <= UInt64(mapping.size - 8) else {
            throw TensorFileError.headerTooLarge(file: path, headerLength: headerLength, fileSize: mapping.size)
        }
        let length = Int(headerLength)
        guard length <= SafetensorsHeader.maximumHeaderLength else {
            throw TensorFileError.badHeader(file: path, problem: "its length \(length) exceeds the \(SafetensorsHeader.maximumHeaderLength)-byte limit")
        }
        dataStart = 8 + length
        let dataSize = mapping.size - dataStart
        let header = try mapping.withBytes(8..<dataStart) { [path] json in
            try SafetensorsHeader.parse(json, dataSize: dataSize, file: path)
        }
        names = header.entries.map(\.info.name)
        entries = Dictionary(header.entries.map { ($0.info.name, $0) }, uniquingKeysWith: { a, _ in a })
        metadata = header.metadata
    }

    /// Name, dtype and shape of `name`.
    public func info(_ name: String) throws -> TensorInfo { try entry(name).info }

    /// Every tensor's info, in file order.
    public var infos: [TensorInfo] { names.compactMap { entries[$0]?.info } }

    /// True when the file holds `name`.
    public func contains(_ name: String) -> Bool { entries[name] != nil }

    /// A lazy view of `name` backed by the mapping.
    public func view(_ name: String) throws -> TensorView {
        let e = try entry(name)
        let span = (dataStart + e.span.lowerBound)..<(dataStart + e.span.upperBound)
        return TensorView(info: e.info, source: path, storage: .mapped(mapping, span))
    }

    /// A copy of `name`.
    public func tensor(_ name: String) throws -> Tensor { try view(name).tensor() }

    /// All of `name` as Float (any numeric dtype).
    public func floats(_ name: String) throws -> [Float] { try view(name).floats() }

    /// Rows `rows` of dimension 0 of `name` as Float, `[rows.count, shape[1...]]`, reading only those rows.
    /// - Throws: `TensorFileError.rowsOutOfRange` when `rows` is not inside `0..<shape[0]`.
    public func floats(_ name: String, rows: Range<Int>) throws -> [Float] { try view(name).floats(rows: rows) }

    private func entry(_ name: String) throws -> SafetensorsHeader.Entry {
        guard let e = entries[name] else { throw TensorFileError.missingTensor(file: path, tensor: name, available: names) }
        return e
    }
}
