import Foundation

/// A `.npz` archive (a zip of `.npy` files, as `np.savez` / `np.savez_compressed` write it),
/// opened lazily: the central directory is parsed and checked on open, arrays are read on demand.
///
/// Stored entries are memory-mapped in place; deflated entries are inflated with the system zlib,
/// checking the sizes and CRC-32 the directory declares.
public final class NPZArchive: @unchecked Sendable {
    /// The path, for messages.
    public let path: String
    private let mapping: MappedFile
    private let directory: ZipDirectory
    /// Array names (entry names without `.npy`), in archive order.
    public let names: [String]

    /// Opens `url` and validates its zip directory.
    public init(url: URL) throws {
        path = url.path
        mapping = try MappedFile(url: url)
        directory = try mapping.withBytes(0..<mapping.size) { [path] in try ZipDirectory($0, file: path) }
        names = directory.entries.map { Self.arrayName($0.name) }
    }

    /// True when the archive holds array `name`.
    public func contains(_ name: String) -> Bool { names.contains(name) }

    /// A view of numeric array `name` (mapped for stored C-order entries, in memory otherwise).
    public func view(_ name: String) throws -> TensorView {
        let entry = try self.entry(name)
        let source = "\(path):\(entry.name)"
        if entry.method == 0 {
            try checkCRC(entry)
            let range = entry.dataOffset..<(entry.dataOffset + entry.compressedSize)
            return try NPYReader.view(mapping: mapping, range: range, name: name, source: source)
        }
        return TensorView(name: name, tensor: try NPYReader.read(data: try contents(entry), source: source), source: source)
    }

    /// A copy of numeric array `name`.
    public func tensor(_ name: String) throws -> Tensor { try view(name).tensor() }

    /// String array `name` (`<U` or `S` dtype; integer arrays become decimal strings).
    public func strings(_ name: String) throws -> [String] {
        let entry = try self.entry(name)
        return try NPYReader.readStrings(data: try contents(entry), source: "\(path):\(entry.name)")
    }

    /// The dtype string (`descr`, e.g. `<f4`), tensor dtype (nil for strings) and shape of
    /// array `name`, read from its header only.
    public func arrayInfo(_ name: String) throws -> (descr: String, dtype: DType?, shape: [Int]) {
        let entry = try self.entry(name)
        let source = "\(path):\(entry.name)"
        let prefix: [UInt8]
        if entry.method == 0 {
            prefix = mapping.bytes(entry.dataOffset..<(entry.dataOffset + min(entry.compressedSize, 1 << 20)))
        } else {
            prefix = try mapping.withBytes(entry.dataOffset..<(entry.dataOffset + entry.compressedSize)) {
                try Inflater.inflate($0, expectedSize: entry.uncompressedSize, limit: min(entry.uncompressedSize, 1 << 20), file: path, entry: entry.name)
            }
        }
        let header = try prefix.withUnsafeBytes { try NPYHeader.parse($0, file: source) }
        return (header.descriptor.descr, header.descriptor.dtype, header.shape)
    }

    // MARK: - Entries

    private func entry(_ name: String) throws -> ZipDirectory.Entry {
        guard let e = directory.entries.first(where: { Self.arrayName($0.name) == name }) else {
            throw TensorFileError.missingTensor(file: path, tensor: name, available: names)
        }
        return e
    }

    /// The uncompressed bytes of `entry`, with its sizes and CRC checked.
    private func contents(_ entry: ZipDirectory.Entry) throws -> [UInt8] {
        let range = entry.dataOffset..<(entry.dataOffset + entry.compressedSize)
        let bytes: [UInt8] = try mapping.withBytes(range) { raw in
            entry.method == 0 ? Array(raw) : try Inflater.inflate(raw, expectedSize: entry.uncompressedSize, file: path, entry: entry.name)
        }
        guard bytes.withUnsafeBytes(Inflater.crc32) == entry.crc32 else {
            throw TensorFileError.badZip(file: path, problem: "entry '\(entry.name)' fails its CRC-32 check (the data is corrupt)")
        }
        return bytes
    }

    private func checkCRC(_ entry: ZipDirectory.Entry) throws {
        let crc = mapping.withBytes(entry.dataOffset..<(entry.dataOffset + entry.compressedSize), Inflater.crc32)
        guard crc == entry.crc32 else {
            throw TensorFileError.badZip(file: path, problem: "entry '\(entry.name)' fails its CRC-32 check (the data is corrupt)")
        }
    }

    private static func arrayName(_ entryName: String) -> String {
        entryName.hasSuffix(".npy") ? String(entryName.dropLast(4)) : entryName
    }
}

/// Reads every array of a `.npz` archive.
public enum NPZReader {
    /// All arrays in archive order, names without `.npy`.
    /// - Throws: `TensorFileError` for a malformed archive or array (including string arrays).
    public static func read(url: URL) throws -> [(name: String, tensor: Tensor)] {
        let archive = try NPZArchive(url: url)
        return try archive.names.map { ($0, try archive.tensor($0)) }
    }
}
