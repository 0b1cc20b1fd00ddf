/// The element types a tensor file can hold, named as in the safetensors header.
///
/// `.npy` arrays map onto these too (`<f4` → `.f32`, `|b1` → `.bool`, ...); the integer widths
/// numpy has and safetensors names differently are widened on read (see `NPYDescriptor`).
public enum DType: String, Codable, Sendable, CaseIterable {
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case f64 = "F64"
    case u8 = "U8"
    case i32 = "I32"
    case i64 = "I64"
    case bool = "BOOL"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64: return 8
        case .f32, .i32: return 4
        case .f16, .bf16: return 2
        case .u8, .bool: return 1
        }
    }

    /// True for the floating-point types.
    public var isFloatingPoint: Bool {
        switch self {
        case .f32, .f16, .bf16, .f64: return true
        default: return false
        }
    }
}

extension DType {
    /// `values` as little-endian bytes of this dtype (f16/bf16 round to nearest even; ints
    /// round toward zero; bool is `!= 0`). The bytes a `Tensor` of this dtype holds.
    public func encode(_ values: [Float]) -> [UInt8] { ElementCodec.encode(values, as: self) }

    /// The bytes of `encode(values)` written to `out`, which must hold values.count × `byteSize`
    /// bytes: a writer fills a buffer it sized once instead of appending a new array per call.
    public func encode(_ values: [Float], into out: UnsafeMutableRawPointer) { ElementCodec.encode(values, as: self, into: out) }

    /// Little-endian bytes of this dtype as Float.
    public func decode(_ bytes: UnsafeRawBufferPointer) -> [Float] { ElementCodec.floats(bytes, dtype: self) }

    /// The floats of `decode(bytes)` written to `out`, which must hold bytes.count / `byteSize` floats:
    /// a loader converts straight into the storage it keeps, in slices on several threads.
    public func decode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutablePointer<Float>) {
        ElementCodec.decode(bytes, dtype: self, into: out)
    }
}
