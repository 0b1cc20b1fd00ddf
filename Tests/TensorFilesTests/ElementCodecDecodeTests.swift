import XCTest

@testable import TensorFiles

/// The branch-free f16 decoding (`floatBits(half:)`), bf16 and f32 against the IEEE conversions, on
/// every 16-bit pattern and from unaligned sources into an exact span.
final class ElementCodecDecodeTests: XCTestCase {
    /// Every f16 bit pattern against `Float(Float16(bitPattern:))`: the same bits for every number
    /// (normals, subnormals, ±0, ±inf); a NaN stays a NaN of the same sign and payload.
    func testEveryHalfPatternDecodesAsTheIEEEConversion() {
        let patterns = (0...UInt16.max).map { $0 }
        let decoded = patterns.withUnsafeBytes { ElementCodec.floats($0, dtype: .f16) }
        XCTAssertEqual(decoded.count, 65536)
        var mismatches = 0
        for (p, x) in zip(patterns, decoded) {
            let expected = Float(Float16(bitPattern: p))
            if expected.isNaN {
                // The quiet bit (f32 bit 22) is the only one an IEEE conversion may set on a NaN.
                let same = x.isNaN && x.sign == expected.sign
                    && (x.bitPattern & ~0x0040_0000) == (expected.bitPattern & ~0x0040_0000)
                if !same { mismatches += 1 }
            } else if x.bitPattern != expected.bitPattern {
                mismatches += 1
                if mismatches < 5 { XCTFail("f16 0x\(String(p, radix: 16)): \(x) vs \(expected)") }
            }
        }
        XCTAssertEqual(mismatches, 0)
    }

    /// Every bf16 bit pattern is the top half of the f32 it decodes to, NaNs included.
    func testEveryBFloat16PatternIsTheTopHalfOfItsFloat() {
        let patterns = (0...UInt16.max).map { $0 }
        let decoded = patterns.withUnsafeBytes { ElementCodec.floats($0, dtype: .bf16) }
        XCTAssertEqual(decoded.map(\.bitPattern), patterns.map { UInt32($0) << 16 })
    }

    /// From a source at an odd byte offset, for every length 0...40 (whatever width the loops were
    /// vectorised to, every remainder), into a destination whose neighbours must stay untouched.
    func testDecodeFromUnalignedBytesWritesExactlyItsSpan() {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let bytes = (0..<(41 * 4 + 1)).map { _ in next() }
        for dtype in [DType.f16, .bf16, .f32, .i32] {
            for n in 0...40 {
                bytes.withUnsafeBytes { all in
                    let raw = UnsafeRawBufferPointer(rebasing: all[1..<(1 + n * dtype.byteSize)])
                    let expected = (0..<n).map { i -> Float in
                        let b = Array(raw[(i * dtype.byteSize)..<((i + 1) * dtype.byteSize)])
                        switch dtype {
                        case .f16: return Float(Float16(bitPattern: UInt16(b[0]) | UInt16(b[1]) << 8))
                        case .bf16: return Float(bitPattern: (UInt32(b[0]) | UInt32(b[1]) << 8) << 16)
                        case .f32: return Float(bitPattern: b.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) })
                        default: return Float(Int32(bitPattern: b.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * $1.offset) }))
                        }
                    }
                    var out = [Float](repeating: 12345, count: n + 2)
                    out.withUnsafeMutableBufferPointer { ElementCodec.decode(raw, dtype: dtype, into: $0.baseAddress! + 1) }
                    XCTAssertEqual(out.first, 12345, "\(dtype) n \(n) wrote before its span")
                    XCTAssertEqual(out.last, 12345, "\(dtype) n \(n) wrote after its span")
                    let got = Array(out[1..<(n + 1)])
                    // Compare bits: random bytes include NaNs, which never equal themselves.
                    XCTAssertEqual(got.map(\.bitPattern).map { $0 & ~0x0040_0000 }, expected.map(\.bitPattern).map { $0 & ~0x0040_0000 }, "\(dtype) n \(n)")
                }
            }
        }
    }
}
