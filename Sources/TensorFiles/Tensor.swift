/// A dense tensor: raw little-endian bytes, a dtype and a row-major (C order) shape.
///
/// The bytes are exactly what a safetensors file holds for the tensor, so writing is a copy.
/// Construct from typed values with the convenience initialisers; read typed values back with
/// `floats()`, `doubles()`, `int64s()`, `uint8s()` (see `Tensor+Values.swift`).
public struct Tensor: Sendable, Equatable {
    public let dtype: DType
    public let shape: [Int]
    public let bytes: [UInt8]

    /// The number of elements (product of `shape`; 1 for a scalar).
    public var count: Int { bytes.count / dtype.byteSize }

    /// Wraps raw little-endian bytes.
    /// - Throws: `TensorFileError.badShape` for a negative or overflowing shape,
    ///   `.sizeMismatch` when `bytes.count != product(shape) * dtype.byteSize`.
    public init(dtype: DType, shape: [Int], bytes: [UInt8]) throws {
        guard let expected = Shape.byteCount(shape, dtype: dtype) else {
            throw TensorFileError.badShape(
                file: "<memory>", tensor: "tensor", shape: Shape.text(shape),
                problem: "a dimension is negative or the size overflows")
        }
        guard expected == bytes.count else {
            throw TensorFileError.sizeMismatch(file: "<memory>", tensor: "tensor", expected: expected, actual: bytes.count)
        }
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Internal: the caller has checked the size already.
    init(unchecked dtype: DType, shape: [Int], bytes: [UInt8]) {
        self.dtype = dtype
        self.shape = shape
        self.bytes = bytes
    }

    /// Floats converted to `dtype` (f32, f16, bf16 with round-to-nearest-even, or f64).
    /// Integer and bool dtypes round toward zero / test `!= 0`.
    /// - Precondition: `floats.count == product(shape)` (a programming error, not user data).
    public init(floats: [Float], shape: [Int], dtype: DType = .f32) {
        precondition(Shape.elementCount(shape) == floats.count, "Tensor(floats:) count \(floats.count) != shape \(shape)")
        self.init(unchecked: dtype, shape: shape, bytes: ElementCodec.encode(floats, as: dtype))
    }

    /// A U8 tensor (masks, pixels).
    public init(bytes u8: [UInt8], shape: [Int]) {
        precondition(Shape.elementCount(shape) == u8.count, "Tensor(bytes:) count \(u8.count) != shape \(shape)")
        self.init(unchecked: .u8, shape: shape, bytes: u8)
    }

    /// An I64 tensor.
    public init(int64s: [Int64], shape: [Int]) {
        precondition(Shape.elementCount(shape) == int64s.count, "Tensor(int64s:) count \(int64s.count) != shape \(shape)")
        self.init(unchecked: .i64, shape: shape, bytes: ElementCodec.littleEndianBytes(int64s))
    }

    /// An I32 tensor.
    public init(int32s: [Int32], shape: [Int]) {
        precondition(Shape.elementCount(shape) == int32s.count, "Tensor(int32s:) count \(int32s.count) != shape \(shape)")
        self.init(unchecked: .i32, shape: shape, bytes: ElementCodec.littleEndianBytes(int32s))
    }

    /// The same data with another shape of equal element count, or nil.
    public func reshaped(_ newShape: [Int]) -> Tensor? {
        guard Shape.elementCount(newShape) == count else { return nil }
        return Tensor(unchecked: dtype, shape: newShape, bytes: bytes)
    }

    /// The metadata of this tensor under a name.
    public func info(name: String) -> TensorInfo { TensorInfo(name: name, dtype: dtype, shape: shape) }
}

/// The name, dtype and shape of a tensor in a file, without its data.
public struct TensorInfo: Sendable, Equatable, Codable {
    public let name: String
    public let dtype: DType
    public let shape: [Int]

    public init(name: String, dtype: DType, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Elements in the tensor.
    public var count: Int { Shape.elementCount(shape) ?? 0 }
}
