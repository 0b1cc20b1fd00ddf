import CZlib

/// Inflates raw deflate streams (zip method 8) with the system zlib.
enum Inflater {
    /// Inflates `input` expecting exactly `expectedSize` bytes out, or at most `limit` bytes
    /// when only a prefix is wanted (e.g. a `.npy` header).
    ///
    /// The output buffer grows with what zlib actually produces, never to the declared size up
    /// front, so an entry that lies about its size cannot trigger a huge allocation.
    /// - Throws: `zipEntrySizeMismatch` when the stream inflates to more or fewer bytes than
    ///   declared, `inflateFailed` for a corrupt stream.
    static func inflate(_ input: UnsafeRawBufferPointer, expectedSize: Int, limit: Int? = nil, file: String, entry: String) throws -> [UInt8] {
        var stream = z_stream()
        // Negative window bits: a raw deflate stream without zlib header, as zip stores it.
        var status = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw TensorFileError.inflateFailed(file: file, entry: entry, code: status) }
        defer { inflateEnd(&stream) }

        let wanted = min(expectedSize, limit ?? expectedSize)
        var output = [UInt8](repeating: 0, count: min(wanted, max(64 * 1024, 4 * input.count)) + 1)
        var produced = 0
        stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: UInt8.self).baseAddress)
        var remainingInput = input.count
        repeat {
            if produced == output.count {
                // One byte beyond `wanted` lets us notice a stream longer than declared.
                let grown = min(max(output.count * 2, 1), wanted + 1)
                guard grown > output.count else { break }
                output.append(contentsOf: [UInt8](repeating: 0, count: grown - output.count))
            }
            let chunkIn = min(remainingInput, Int(UInt32.max))
            stream.avail_in = UInt32(chunkIn)
            let outSpace = min(output.count - produced, Int(UInt32.max))
            status = output.withUnsafeMutableBytes { buffer in
                stream.next_out = buffer.bindMemory(to: UInt8.self).baseAddress! + produced
                stream.avail_out = UInt32(outSpace)
                return CZlib.inflate(&stream, Z_NO_FLUSH)
            }
            produced += outSpace - Int(stream.avail_out)
            remainingInput -= chunkIn - Int(stream.avail_in)
            if let limit, produced >= limit { return Array(output[0..<limit]) }
            if produced > expectedSize {
                throw TensorFileError.zipEntrySizeMismatch(file: file, entry: entry, problem: "it inflates to more than the \(expectedSize) bytes it declares")
            }
            if status == Z_BUF_ERROR && remainingInput == 0 && stream.avail_out > 0 { break }
        } while status == Z_OK || (status == Z_BUF_ERROR && stream.avail_out == 0)
        guard status == Z_STREAM_END else {
            if status == Z_OK || status == Z_BUF_ERROR {
                throw TensorFileError.zipEntrySizeMismatch(file: file, entry: entry, problem: "its deflate stream ends early after \(produced) of \(expectedSize) bytes")
            }
            throw TensorFileError.inflateFailed(file: file, entry: entry, code: status)
        }
        guard produced == expectedSize else {
            throw TensorFileError.zipEntrySizeMismatch(file: file, entry: entry, problem: "it inflates to \(produced) bytes but declares \(expectedSize)")
        }
        output.removeLast(output.count - produced)
        return output
    }

    /// The CRC-32 zip stores for each entry.
    static func crc32(_ data: UnsafeRawBufferPointer) -> UInt32 {
        var crc: uLong = CZlib.crc32(0, nil, 0)
        var offset = 0
        while offset < data.count {
            let n = min(data.count - offset, Int(UInt32.max))
            crc = CZlib.crc32(crc, data.bindMemory(to: UInt8.self).baseAddress! + offset, uInt(n))
            offset += n
        }
        return UInt32(crc)
    }
}
