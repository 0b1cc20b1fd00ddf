/// Conversions between raw little-endian element bytes and Swift numbers.
///
/// Every reader funnels through here, so one place defines how f16/bf16 round, how integers
/// become floats and how bools read (`!= 0`).
enum ElementCodec {
    // MARK: - Decoding

    /// Elements of `dtype` in `raw` as Float (f64 and large ints round to nearest).
    static func floats(_ raw: UnsafeRawBufferPointer, dtype: DType) -> [Float] {
        let n = raw.count / dtype.byteSize
        return [Float](unsafeUninitializedCapacity: n) { out, initialized in
            if let base = out.baseAddress { decode(raw, dtype: dtype, into: base) }
            initialized = n
        }
    }

    /// `floats(raw, dtype:)` written to `out` (raw.count / dtype.byteSize floats) instead of a new array,
    /// so a caller that owns the destination (a model's weight storage, a slice of a batch) converts
    /// without a temporary.
    ///
    /// f32 is one copy; f16 goes through `floatBits(half:)`, not `Float(Float16(bitPattern:))`, which
    /// is a library call per element on x86-64 without F16C (2.2% of the samples of a CLIP-L
    /// extraction from an F16 checkpoint; every f16 store a reader opens goes through here too).
    static func decode(_ raw: UnsafeRawBufferPointer, dtype: DType, into out: UnsafeMutablePointer<Float>) {
        let n = raw.count / dtype.byteSize
        guard n > 0, let src = raw.baseAddress else { return }
        let littleEndianHost = 1.littleEndian == 1
        switch dtype {
        case .f32 where littleEndianHost:
            UnsafeMutableRawPointer(out).copyMemory(from: src, byteCount: 4 * n)
        case .f32:
            for i in 0..<n { out[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
        case .bf16:
            // bf16 is the top half of an f32.
            for i in 0..<n { out[i] = Float(bitPattern: UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) << 16) }
        case .f16:
            for i in 0..<n { out[i] = Float(bitPattern: floatBits(half: UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))) }
        case .f64:
            for i in 0..<n { out[i] = Float(Double(bitPattern: UInt64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)))) }
        case .u8:
            for i in 0..<n { out[i] = Float(raw[i]) }
        case .bool:
            for i in 0..<n { out[i] = raw[i] != 0 ? 1 : 0 }
        case .i32:
            for i in 0..<n { out[i] = Float(Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * i, as: Int32.self))) }
        case .i64:
            for i in 0..<n { out[i] = Float(Int64(littleEndian: src.loadUnaligned(fromByteOffset: 8 * i, as: Int64.self))) }
        }
    }

    /// The f32 bits of an f16 value: those of `Float(Float16(bitPattern: h))`, with a NaN's payload
    /// moved up as it is (a signalling NaN is not quieted; compiler-rt's conversion does not quiet it
    /// either). Selects instead of branches, so a loop over it vectorises (0.8 against 5–7 ns per
    /// value for the library call), and no subnormal f32 arithmetic (a process that sets
    /// denormals-are-zero would read those as 0):
    ///
    /// - normal: the 15 exponent-and-mantissa bits moved up 13 places, the exponent rebiased by
    ///   127 − 15 = 112;
    /// - subnormal (exponent 0): the mantissa m is m · 2⁻²⁴, exact in f32 (m < 2¹⁰), ±0 included;
    /// - inf / NaN (exponent 31): the f32 exponent all ones, the mantissa moved up as is.
    @inline(__always)
    static func floatBits(half h: UInt16) -> UInt32 {
        let sign = UInt32(h & 0x8000) << 16
        let magnitude = UInt32(h & 0x7FFF)
        let moved = magnitude << 13
        let normal = moved &+ (112 << 23)
        let subnormal = (Float(Int32(bitPattern: magnitude)) * 0x1p-24).bitPattern
        let special = moved | 0x7F80_0000
        return sign | (magnitude >= 0x7C00 ? special : (magnitude < 0x0400 ? subnormal : normal))
    }

    /// Elements of `dtype` in `raw` as Double (exact for every dtype but i64 beyond 2^53).
    static func doubles(_ raw: UnsafeRawBufferPointer, dtype: DType) -> [Double] {
        let n = raw.count / dtype.byteSize
        if dtype == .f64 {
            return (0..<n).map { Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: UInt64.self))) }
        }
        if dtype == .i64 {
            return (0..<n).map { Double(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self))) }
        }
        return floats(raw, dtype: dtype).map(Double.init)
    }

    /// Elements as Int64; floats round toward zero (NaN and out-of-range values become 0).
    static func int64s(_ raw: UnsafeRawBufferPointer, dtype: DType) -> [Int64] {
        let n = raw.count / dtype.byteSize
        switch dtype {
        case .i64: return (0..<n).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self)) }
        case .i32: return (0..<n).map { Int64(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self))) }
        case .u8: return raw.map { Int64($0) }
        case .bool: return raw.map { $0 != 0 ? 1 : 0 }
        default: return doubles(raw, dtype: dtype).map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 }
        }
    }

    /// Elements as UInt8: u8/bool as stored, others `!= 0` → 1 (masks).
    static func uint8s(_ raw: UnsafeRawBufferPointer, dtype: DType) -> [UInt8] {
        switch dtype {
        case .u8: return Array(raw)
        case .bool: return raw.map { $0 != 0 ? 1 : 0 }
        default: return doubles(raw, dtype: dtype).map { $0 != 0 ? 1 : 0 }
        }
    }

    // MARK: - Encoding

    /// Floats as little-endian bytes of `dtype`.
    static func encode(_ values: [Float], as dtype: DType) -> [UInt8] {
        switch dtype {
        case .f32: return littleEndianBytes(values.map { $0.bitPattern })
        case .f16: return halfBytes(values)
        case .bf16: return littleEndianBytes(values.map(bfloat16Bits))
        case .f64: return littleEndianBytes(values.map { Double($0).bitPattern })
        case .u8: return values.map { UInt8(clamping: Int(exactly: $0.rounded(.towardZero)) ?? 0) }
        case .bool: return values.map { $0 != 0 ? 1 : 0 }
        case .i32: return littleEndianBytes(values.map { Int32(exactly: $0.rounded(.towardZero)) ?? 0 })
        case .i64: return littleEndianBytes(values.map { Int64(exactly: $0.rounded(.towardZero)) ?? 0 })
        }
    }

    /// The bytes of `encode(values, as: dtype)` written to `out` (values.count × dtype.byteSize bytes)
    /// instead of a new array: f16 and f32, what stores hold, go straight there; the other types are
    /// encoded and copied.
    static func encode(_ values: [Float], as dtype: DType, into out: UnsafeMutableRawPointer) {
        values.withUnsafeBufferPointer { v in
            switch dtype {
            case .f16: halfBytes(v, into: out.assumingMemoryBound(to: UInt8.self))
            case .f32: for i in 0..<v.count { out.storeBytes(of: v[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
            default:
                let bytes = encode(values, as: dtype)
                bytes.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
        }
    }

    /// f16 bits of each value, little-endian, without the per-element library call that `Float16(x)`
    /// becomes on x86-64 without F16C (it was most of a store write's time).
    static func halfBytes(_ values: [Float]) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: values.count * 2) { out, initialized in
            values.withUnsafeBufferPointer { v in halfBytes(v, into: out.baseAddress!) }
            initialized = values.count * 2
        }
    }

    /// `halfBytes` into 2 × v.count bytes at `out`.
    private static func halfBytes(_ v: UnsafeBufferPointer<Float>, into out: UnsafeMutablePointer<UInt8>) {
        for i in 0..<v.count {
            let h = halfBits(v[i])
            out[2 * i] = UInt8(truncatingIfNeeded: h)
            out[2 * i + 1] = UInt8(truncatingIfNeeded: h >> 8)
        }
    }

    /// The f16 bit pattern of an f32 rounded to nearest, ties to even: the same bits as
    /// `Float16(x).bitPattern` for every non-NaN x (overflow to ±inf, f16 subnormals, ±0); a NaN gives
    /// a quiet NaN. Selects instead of branches, so a loop over it vectorises.
    ///
    /// Normal range: rebias the exponent and round the 13 dropped mantissa bits by adding
    /// 0xFFF + (the lowest kept bit), which carries into the exponent exactly when rounding up
    /// overflows the mantissa. Below the smallest normal f16 (2⁻¹⁴): adding 0.5 (2⁻¹ = 2⁻¹⁴ · 2¹³) in
    /// f32 lines the f16 subnormal's bits up with the low mantissa bits, and the f32 adder's own
    /// round-to-nearest-even does the rounding.
    @inline(__always)
    static func halfBits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
        let magnitude = bits & 0x7FFF_FFFF
        // ≥ 65520 rounds to inf in f16; above 0x7F800000 is NaN.
        let special: UInt32 = magnitude > 0x7F80_0000 ? 0x7E00 : 0x7C00
        let small = (Float(bitPattern: magnitude) + 0.5).bitPattern &- 0x3F00_0000
        let odd = (magnitude >> 13) & 1
        let normal = (magnitude &+ 0xC800_0FFF &+ odd) >> 13   // + ((15 − 127) << 23) + 0xFFF, wrapping
        let h = magnitude >= 0x4780_0000 ? special : (magnitude < 0x3880_0000 ? small : normal)
        return sign | UInt16(truncatingIfNeeded: h)
    }

    /// The top 16 bits of an f32 with round-to-nearest-even; NaN stays a quiet NaN.
    static func bfloat16Bits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let rounding = ((bits >> 16) & 1) &+ 0x7FFF
        return UInt16((bits &+ rounding) >> 16)
    }

    /// Fixed-width integers as little-endian bytes.
    static func littleEndianBytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        let size = MemoryLayout<T>.size
        return [UInt8](unsafeUninitializedCapacity: values.count * size) { out, initialized in
            let raw = UnsafeMutableRawBufferPointer(out)
            for (i, v) in values.enumerated() { raw.storeBytes(of: v.littleEndian, toByteOffset: i * size, as: T.self) }
            initialized = values.count * size
        }
    }
}
