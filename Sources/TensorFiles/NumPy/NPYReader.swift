import Foundation

/// Reads `.npy` arrays (format versions 1, 2 and 3) into C-order tensors.
///
/// Accepted dtypes: little-endian (or byte-order-free `|`) f2, f4, f8, i1–i8, u1–u8 and b1;
/// Fortran-order arrays are transposed to C order. Big-endian, object and structured dtypes are
/// rejected with a sentence saying so. See `NPYDescriptor` for how integer widths map to `DType`.
public enum NPYReader {
    /// Reads the array in `url`.
    public static func read(url: URL) throws -> Tensor {
        let file = try MappedFile(url: url)
        return try file.withBytes(0..<file.size) { try decode($0, source: url.path) }
    }

    /// Reads an array from the bytes of a `.npy` file; `source` names it in errors.
    public static func read(data: [UInt8], source: String) throws -> Tensor {
        try data.withUnsafeBytes { try decode($0, source: source) }
    }

    /// A lazy view of the array in `url`: memory-mapped when the file is C order and its dtype
    /// needs no widening, otherwise decoded into memory.
    public static func view(url: URL) throws -> TensorView {
        let file = try MappedFile(url: url)
        return try view(mapping: file, range: 0..<file.size, name: url.deletingPathExtension().lastPathComponent, source: url.path)
    }

    /// Reads a string array (`<U` or `S` dtype), e.g. image ids saved with `np.savez(..., image_ids=ids)`.
    public static func readStrings(data: [UInt8], source: String) throws -> [String] {
        try data.withUnsafeBytes { raw in
            let header = try NPYHeader.parse(raw, file: source)
            let (bytes, count) = try dataBytes(raw, header: header, source: source)
            let size = header.descriptor.itemSize
            switch header.descriptor.kind {
            case .unicode:
                return (0..<count).map { i in
                    var scalars = String.UnicodeScalarView()
                    for c in 0..<(size / 4) {
                        let v = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * size + 4 * c, as: UInt32.self))
                        if v == 0 { break }
                        scalars.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                    }
                    return String(scalars)
                }
            case .bytes:
                return (0..<count).map { i in
                    let item = bytes[(i * size)..<((i + 1) * size)]
                    return String(decoding: item.prefix { $0 != 0 }, as: UTF8.self)
                }
            default:
                return try decode(raw, source: source).int64s().map(String.init)
            }
        }
    }

    // MARK: - Decoding

    /// A view of the `.npy` bytes `range` of `mapping` (a file or a stored zip entry).
    static func view(mapping: MappedFile, range: Range<Int>, name: String, source: String) throws -> TensorView {
        try mapping.withBytes(range) { raw in
            let header = try NPYHeader.parse(raw, file: source)
            let d = header.descriptor
            if let dtype = d.dtype, d.isDirect, !header.fortranOrder || header.shape.count < 2 {
                _ = try dataBytes(raw, header: header, source: source)
                let start = range.lowerBound + header.dataOffset
                let byteCount = (Shape.elementCount(header.shape) ?? 0) * d.itemSize
                return TensorView(info: TensorInfo(name: name, dtype: dtype, shape: header.shape), source: source,
                                  storage: .mapped(mapping, start..<(start + byteCount)))
            }
            return TensorView(name: name, tensor: try decode(raw, source: source), source: source)
        }
    }

    static func decode(_ raw: UnsafeRawBufferPointer, source: String) throws -> Tensor {
        let header = try NPYHeader.parse(raw, file: source)
        let d = header.descriptor
        guard let dtype = d.dtype else {
            throw TensorFileError.conversion(file: source, problem: "the array holds strings ('\(d.descr)'), not numbers")
        }
        let (data, _) = try dataBytes(raw, header: header, source: source)
        let cOrder: [UInt8] = header.fortranOrder && header.shape.count > 1
            ? fortranToC(data, shape: header.shape, itemSize: d.itemSize)
            : Array(data)
        let bytes = d.isDirect ? cOrder : try widen(cOrder, descriptor: d, source: source)
        return Tensor(unchecked: dtype, shape: header.shape, bytes: bytes)
    }

    /// The array's data bytes after checking the header's size against what the file holds.
    private static func dataBytes(_ raw: UnsafeRawBufferPointer, header: NPYHeader, source: String) throws -> (UnsafeRawBufferPointer, Int) {
        guard let count = Shape.elementCount(header.shape) else {
            throw TensorFileError.badShape(file: source, tensor: "array", shape: Shape.text(header.shape), problem: "the element count overflows 64 bits")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: header.descriptor.itemSize)
        guard !overflow else {
            throw TensorFileError.badShape(file: source, tensor: "array", shape: Shape.text(header.shape), problem: "the size in bytes overflows 64 bits")
        }
        let available = raw.count - header.dataOffset
        guard byteCount <= available else {
            throw TensorFileError.truncated(file: source, needed: header.dataOffset + byteCount, available: raw.count, what: "the array data of shape \(Shape.text(header.shape))")
        }
        return (UnsafeRawBufferPointer(rebasing: raw[header.dataOffset..<(header.dataOffset + byteCount)]), count)
    }

    /// Column-major elements → row-major, element by element.
    static func fortranToC(_ data: UnsafeRawBufferPointer, shape: [Int], itemSize: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: data.count)
        let rank = shape.count
        guard data.count > 0 else { return out }
        // Fortran strides (in elements): 1, d0, d0*d1, ...
        var fStride = [Int](repeating: 1, count: rank)
        for k in 1..<rank { fStride[k] = fStride[k - 1] * shape[k - 1] }
        var index = [Int](repeating: 0, count: rank)
        var fOffset = 0
        out.withUnsafeMutableBytes { dst in
            for c in 0..<(data.count / itemSize) {
                for b in 0..<itemSize { dst[c * itemSize + b] = data[fOffset * itemSize + b] }
                // Advance the C-order multi-index (last dimension fastest) and its Fortran offset.
                var k = rank - 1
                while k >= 0 {
                    index[k] += 1
                    fOffset += fStride[k]
                    if index[k] < shape[k] { break }
                    fOffset -= fStride[k] * shape[k]
                    index[k] = 0
                    k -= 1
                }
            }
        }
        return out
    }

    /// i1, i2 → I32; u2, u4 → I64; u8 → I64 with a range check.
    private static func widen(_ bytes: [UInt8], descriptor d: NPYDescriptor, source: String) throws -> [UInt8] {
        try bytes.withUnsafeBytes { raw in
            let n = raw.count / d.itemSize
            switch (d.kind, d.itemSize) {
            case (.signed, 1):
                return ElementCodec.littleEndianBytes((0..<n).map { Int32(Int8(bitPattern: raw[$0])) })
            case (.signed, 2):
                return ElementCodec.littleEndianBytes((0..<n).map { Int32(Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self))) })
            case (.unsigned, 2):
                return ElementCodec.littleEndianBytes((0..<n).map { Int32(UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))) })
            case (.unsigned, 4):
                return ElementCodec.littleEndianBytes((0..<n).map { Int64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) })
            case (.unsigned, 8):
                var values = [Int64](repeating: 0, count: n)
                for i in 0..<n {
                    let v = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                    guard let w = Int64(exactly: v) else {
                        throw TensorFileError.conversion(file: source, problem: "uint64 value \(v) does not fit in int64")
                    }
                    values[i] = w
                }
                return ElementCodec.littleEndianBytes(values)
            default:
                return Array(raw)
            }
        }
    }
}
