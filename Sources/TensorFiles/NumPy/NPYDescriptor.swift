/// A `.npy` dtype string (`descr`) such as `<f4`, `|u1`, `<U12`, and how it maps onto `DType`.
///
/// numpy's integer widths that safetensors has no name for are widened on read:
/// i1, i2 → I32; u2, u4 → I64 (exact); u8 → I64 (values above Int64.max are rejected).
/// f2/f4/f8, i4/i8, u1 and b1 keep their bytes as they are.
struct NPYDescriptor {
    enum Kind: Equatable {
        case float, signed, unsigned, bool
        /// Fixed-length strings: `U` (UTF-32LE code points) or `S` (bytes), NUL padded.
        case unicode, bytes
    }

    let descr: String
    let kind: Kind
    /// Bytes per element in the file.
    let itemSize: Int

    /// Parses `descr`, rejecting big-endian, object and other unsupported dtypes.
    init(_ descr: String, file: String) throws {
        self.descr = descr
        var scalars = Substring(descr)
        var bigEndian = false
        if let first = scalars.first, "<>|=".contains(first) {
            bigEndian = first == ">"
            scalars = scalars.dropFirst()
        }
        guard let code = scalars.first else {
            throw TensorFileError.unsupportedNPYDType(file: file, descr: descr, reason: "it is empty")
        }
        let sizeText = scalars.dropFirst()
        guard let size = Int(sizeText), size > 0 else {
            let reason: String
            switch code {
            case "O": reason = "object arrays hold pickled Python objects; save a numeric array instead"
            case "V": reason = "structured (void) dtypes are not supported"
            default: reason = "it has no valid item size"
            }
            throw TensorFileError.unsupportedNPYDType(file: file, descr: descr, reason: reason)
        }
        switch (code, size) {
        case ("f", 2), ("f", 4), ("f", 8): kind = .float
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8): kind = .unsigned
        case ("b", 1): kind = .bool
        case ("U", _): kind = .unicode
        case ("S", _), ("a", _): kind = .bytes
        case ("O", _):
            throw TensorFileError.unsupportedNPYDType(file: file, descr: descr, reason: "object arrays hold pickled Python objects; save a numeric array instead")
        default:
            throw TensorFileError.unsupportedNPYDType(file: file, descr: descr, reason: "only float (f2, f4, f8), integer (i1-i8, u1-u8), bool and string dtypes are read")
        }
        itemSize = kind == .unicode ? size * 4 : size
        if bigEndian && itemSize > 1 && kind != .bytes {
            throw TensorFileError.unsupportedNPYDType(file: file, descr: descr, reason: "it is big-endian; convert with arr.astype(arr.dtype.newbyteorder('<')) before saving")
        }
    }

    /// The tensor dtype elements become, or nil for string dtypes.
    var dtype: DType? {
        switch (kind, itemSize) {
        case (.float, 2): return .f16
        case (.float, 4): return .f32
        case (.float, 8): return .f64
        case (.signed, 8), (.unsigned, 4), (.unsigned, 8): return .i64
        case (.signed, _), (.unsigned, 2): return .i32
        case (.unsigned, 1): return .u8
        case (.bool, _): return .bool
        default: return nil
        }
    }

    /// True when the file's bytes are already the tensor's bytes (no widening).
    var isDirect: Bool { dtype?.byteSize == itemSize && !(kind == .unsigned && itemSize == 8) }
}
