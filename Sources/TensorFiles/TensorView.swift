/// A tensor whose bytes stay where they are: in a memory-mapped file (safetensors, stored
/// `.npz` entries, C-order `.npy`) or in memory. Reading a slice touches only that slice.
public struct TensorView: Sendable {
    /// Name, dtype and row-major shape.
    public let info: TensorInfo
    /// Where the bytes came from, for error messages.
    public let source: String
    let storage: Storage

    enum Storage: Sendable {
        case mapped(MappedFile, Range<Int>)
        case owned(Tensor)
    }

    init(info: TensorInfo, source: String, storage: Storage) {
        self.info = info
        self.source = source
        self.storage = storage
    }

    /// Wraps an in-memory tensor.
    public init(name: String, tensor: Tensor, source: String) {
        self.init(info: tensor.info(name: name), source: source, storage: .owned(tensor))
    }

    public var dtype: DType { info.dtype }
    public var shape: [Int] { info.shape }
    /// Elements in the whole tensor.
    public var count: Int { info.count }

    /// Elements per row of dimension 0 (product of the other dimensions).
    public var rowElements: Int { Shape.elementCount(Array(shape.dropFirst())) ?? 0 }

    /// Calls `body` with the raw bytes of elements `range` (row-major flat indices).
    public func withBytes<R>(elements range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        guard range.lowerBound >= 0, range.upperBound <= count else {
            throw TensorFileError.rowsOutOfRange(file: source, tensor: info.name, rows: range, available: count)
        }
        let size = dtype.byteSize
        switch storage {
        case let .mapped(file, span):
            let start = span.lowerBound + range.lowerBound * size
            return try file.withBytes(start..<(start + range.count * size), body)
        case let .owned(tensor):
            return try tensor.bytes.withUnsafeBytes { all in
                try body(UnsafeRawBufferPointer(rebasing: all[(range.lowerBound * size)..<(range.upperBound * size)]))
            }
        }
    }

    /// Flat elements `range` as Float.
    public func floats(elements range: Range<Int>) throws -> [Float] {
        try withBytes(elements: range) { ElementCodec.floats($0, dtype: dtype) }
    }

    /// Flat elements `range` as Int64 (integer dtypes; floats are truncated toward zero).
    public func int64s(elements range: Range<Int>) throws -> [Int64] {
        try withBytes(elements: range) { ElementCodec.int64s($0, dtype: dtype) }
    }

    /// Rows `rows` of dimension 0 as Float, `[rows.count, shape[1...]]` row-major.
    public func floats(rows: Range<Int>) throws -> [Float] {
        try floats(elements: try elementRange(rows: rows))
    }

    /// Rows `rows` of dimension 0 as raw bytes.
    public func bytes(rows: Range<Int>) throws -> [UInt8] {
        try withBytes(elements: try elementRange(rows: rows)) { Array($0) }
    }

    /// The whole tensor as Float.
    public func floats() throws -> [Float] { try floats(elements: 0..<count) }

    /// A copy of the whole tensor.
    public func tensor() throws -> Tensor {
        if case let .owned(tensor) = storage { return tensor }
        let bytes = try withBytes(elements: 0..<count) { Array($0) }
        return Tensor(unchecked: dtype, shape: shape, bytes: bytes)
    }

    /// Rows `rows` of dimension 0 as a tensor of shape `[rows.count, shape[1...]]`.
    public func tensor(rows: Range<Int>) throws -> Tensor {
        Tensor(unchecked: dtype, shape: [rows.count] + shape.dropFirst(), bytes: try bytes(rows: rows))
    }

    private func elementRange(rows: Range<Int>) throws -> Range<Int> {
        guard let first = shape.first, rows.lowerBound >= 0, rows.upperBound <= first else {
            throw TensorFileError.rowsOutOfRange(file: source, tensor: info.name, rows: rows, available: shape.first ?? 0)
        }
        return (rows.lowerBound * rowElements)..<(rows.upperBound * rowElements)
    }
}

/// Float32 elements read where they lie in a memory-mapped file, without a copy. `base` stays valid
/// as long as `owner` (the mapping) lives: whoever keeps the pointer keeps the owner.
public struct BorrowedFloats: @unchecked Sendable {   // the bytes are read-only and the owner is immutable
    public let base: UnsafePointer<Float>
    public let count: Int
    public let owner: AnyObject
}

extension TensorView {
    /// The whole tensor in place, when its bytes already are what a `[Float]` would hold: dtype F32 on a
    /// little-endian host, in a mapped file, at a 4-byte-aligned address (safetensors aligns data to 8
    /// bytes and tensors to their element size, so a checkpoint written by torch qualifies). nil
    /// otherwise; the caller then converts a copy with `floats()`.
    public func borrowedFloats() -> BorrowedFloats? {
        guard dtype == .f32, 1.littleEndian == 1, count > 0, case let .mapped(file, span) = storage,
              let start = file.withBytes(span, { $0.baseAddress }),
              Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0
        else { return nil }
        return BorrowedFloats(base: start.assumingMemoryBound(to: Float.self), count: count, owner: file)
    }
}
