/// The central directory of a zip archive, parsed from a mapped file and checked against it.
///
/// Only what `.npz` files need: stored (0) and deflated (8) entries, no encryption, one disk.
/// Zip64 is understood where numpy writes it (numpy forces zip64 extra fields on every entry),
/// both in the central directory and in the zip64 end-of-directory records.
struct ZipDirectory {
    struct Entry {
        let name: String
        /// 0 stored, 8 deflated.
        let method: UInt16
        let crc32: UInt32
        let compressedSize: Int
        let uncompressedSize: Int
        /// Where the entry's (compressed) data starts in the file.
        let dataOffset: Int
    }

    let entries: [Entry]

    private static let endSignature: UInt32 = 0x0605_4b50
    private static let zip64LocatorSignature: UInt32 = 0x0706_4b50
    private static let zip64EndSignature: UInt32 = 0x0606_4b50
    private static let centralSignature: UInt32 = 0x0201_4b50
    private static let localSignature: UInt32 = 0x0403_4b50

    /// Reads and validates the directory of `raw` (the whole archive).
    init(_ raw: UnsafeRawBufferPointer, file: String) throws {
        let reader = ByteReader(raw: raw, file: file)
        let end = try Self.findEnd(reader)
        var count = Int(try reader.u16(end + 10))
        var size = Int(try reader.u32(end + 12))
        var offset = Int(try reader.u32(end + 16))
        if count == 0xFFFF || size == 0xFFFF_FFFF || offset == 0xFFFF_FFFF {
            (count, size, offset) = try Self.zip64End(reader, end: end)
        }
        guard offset >= 0, size >= 0, offset <= raw.count, size <= raw.count - offset else {
            throw TensorFileError.badZip(file: file, problem: "the central directory (\(size) bytes at offset \(offset)) lies outside the \(raw.count)-byte file")
        }
        // Each record is at least 46 bytes, which bounds the count a lying header can claim.
        guard count <= size / 46 else {
            throw TensorFileError.badZip(file: file, problem: "the directory claims \(count) entries but has room for \(size / 46)")
        }
        var entries: [Entry] = []
        var position = offset
        for _ in 0..<count {
            let (entry, next) = try Self.centralRecord(reader, at: position, limit: offset + size, directoryStart: offset)
            entries.append(entry)
            position = next
        }
        self.entries = entries
    }

    private static func findEnd(_ r: ByteReader) throws -> Int {
        // The end record is 22 bytes plus a comment of at most 65535 bytes, at the end of the file.
        guard r.raw.count >= 22 else { throw TensorFileError.badZip(file: r.file, problem: "the file is too short (\(r.raw.count) bytes) to hold a zip directory") }
        let lowest = max(0, r.raw.count - 22 - 0xFFFF)
        var p = r.raw.count - 22
        while p >= lowest {
            if try r.u32(p) == endSignature { return p }
            p -= 1
        }
        throw TensorFileError.badZip(file: r.file, problem: "no end-of-central-directory record (the file is truncated or not a zip)")
    }

    private static func zip64End(_ r: ByteReader, end: Int) throws -> (Int, Int, Int) {
        let locator = end - 20
        guard locator >= 0, try r.u32(locator) == zip64LocatorSignature else {
            throw TensorFileError.badZip(file: r.file, problem: "zip64 sizes are announced but the zip64 locator is missing")
        }
        let record = try r.int64(locator + 8, what: "zip64 directory offset")
        guard try r.u32(record) == zip64EndSignature else {
            throw TensorFileError.badZip(file: r.file, problem: "the zip64 end-of-directory record is missing at offset \(record)")
        }
        return (try r.int64(record + 32, what: "zip64 entry count"),
                try r.int64(record + 40, what: "zip64 directory size"),
                try r.int64(record + 48, what: "zip64 directory offset"))
    }

    private static func centralRecord(_ r: ByteReader, at p: Int, limit: Int, directoryStart: Int) throws -> (Entry, Int) {
        guard p + 46 <= limit, try r.u32(p) == centralSignature else {
            throw TensorFileError.badZip(file: r.file, problem: "a central directory record at offset \(p) is malformed")
        }
        let flags = try r.u16(p + 8)
        let method = try r.u16(p + 10)
        let crc = try r.u32(p + 16)
        var compressed = Int(try r.u32(p + 20))
        var uncompressed = Int(try r.u32(p + 24))
        let nameLength = Int(try r.u16(p + 28)), extraLength = Int(try r.u16(p + 30)), commentLength = Int(try r.u16(p + 32))
        var localOffset = Int(try r.u32(p + 42))
        let next = p + 46 + nameLength + extraLength + commentLength
        guard next <= limit else { throw TensorFileError.badZip(file: r.file, problem: "a central directory record at offset \(p) runs past the directory") }
        let name = String(decoding: r.raw[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
        // Zip64 extra field (id 1): 8-byte values, present only for fields that are 0xFFFFFFFF, in this order.
        let extra = try r.zip64Extra(at: p + 46 + nameLength, length: extraLength)
        var index = 0
        for field in [0, 1, 2] {
            let needs = [uncompressed, compressed, localOffset][field] == 0xFFFF_FFFF
            guard needs else { continue }
            guard index < extra.count else {
                throw TensorFileError.badZip(file: r.file, problem: "entry '\(name)' announces zip64 sizes without a zip64 extra field")
            }
            switch field {
            case 0: uncompressed = extra[index]
            case 1: compressed = extra[index]
            default: localOffset = extra[index]
            }
            index += 1
        }
        guard flags & 1 == 0 else { throw TensorFileError.badZip(file: r.file, problem: "entry '\(name)' is encrypted") }
        guard method == 0 || method == 8 else {
            throw TensorFileError.badZip(file: r.file, problem: "entry '\(name)' uses compression method \(method); only stored (0) and deflated (8) are supported")
        }
        let dataOffset = try localData(r, at: localOffset, name: name, directoryStart: directoryStart)
        guard compressed <= directoryStart - dataOffset else {
            throw TensorFileError.zipEntrySizeMismatch(file: r.file, entry: name, problem: "it declares \(compressed) compressed bytes but only \(max(0, directoryStart - dataOffset)) lie between its header and the central directory")
        }
        if method == 0, compressed != uncompressed {
            throw TensorFileError.zipEntrySizeMismatch(file: r.file, entry: name, problem: "it is stored (not compressed) but declares \(compressed) stored and \(uncompressed) uncompressed bytes")
        }
        let entry = Entry(name: name, method: method, crc32: crc, compressedSize: compressed, uncompressedSize: uncompressed, dataOffset: dataOffset)
        return (entry, next)
    }

    /// Checks the local header at `offset` and returns where the entry's data starts.
    private static func localData(_ r: ByteReader, at offset: Int, name: String, directoryStart: Int) throws -> Int {
        guard offset >= 0, offset + 30 <= directoryStart, try r.u32(offset) == localSignature else {
            throw TensorFileError.badZip(file: r.file, problem: "entry '\(name)' points at offset \(offset), where there is no local header")
        }
        let nameLength = Int(try r.u16(offset + 26)), extraLength = Int(try r.u16(offset + 28))
        let data = offset + 30 + nameLength + extraLength
        guard data <= directoryStart else {
            throw TensorFileError.badZip(file: r.file, problem: "the local header of entry '\(name)' runs into the central directory")
        }
        return data
    }
}

/// Bounds-checked little-endian reads from the archive bytes.
struct ByteReader {
    let raw: UnsafeRawBufferPointer
    let file: String

    func u16(_ p: Int) throws -> UInt16 {
        guard p >= 0, p + 2 <= raw.count else { throw truncated(p, 2) }
        return UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt16.self))
    }

    func u32(_ p: Int) throws -> UInt32 {
        guard p >= 0, p + 4 <= raw.count else { throw truncated(p, 4) }
        return UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt32.self))
    }

    /// A u64 that must fit `Int` (anything larger than the file is caught by the callers).
    func int64(_ p: Int, what: String) throws -> Int {
        guard p >= 0, p + 8 <= raw.count else { throw truncated(p, 8) }
        let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: p, as: UInt64.self))
        guard let i = Int(exactly: v) else { throw TensorFileError.badZip(file: file, problem: "the \(what) \(v) is too large") }
        return i
    }

    /// The 8-byte values of the zip64 extra field (id 0x0001) among the extra fields at `p`.
    func zip64Extra(at p: Int, length: Int) throws -> [Int] {
        var q = p
        while q + 4 <= p + length {
            let id = try u16(q), size = Int(try u16(q + 2))
            guard q + 4 + size <= p + length else { break }
            if id == 1 {
                return try (0..<(size / 8)).map { try int64(q + 4 + 8 * $0, what: "zip64 size") }
            }
            q += 4 + size
        }
        return []
    }

    private func truncated(_ p: Int, _ n: Int) -> TensorFileError {
        .truncated(file: file, needed: p + n, available: raw.count, what: "a zip record")
    }
}
