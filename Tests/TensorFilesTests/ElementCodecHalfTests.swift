import XCTest

@testable import TensorFiles

/// The branch-free f32 → f16 rounding against Swift's own `Float16(x)` (the IEEE conversion).
final class ElementCodecHalfTests: XCTestCase {
    /// Every 4099th bit pattern (about a million values across signs, exponents, subnormals, inf and
    /// NaN) plus the boundaries and the ties where rounding decides.
    func testHalfBitsEqualsFloat16ConversionBitForBit() {
        var patterns: [UInt32] = Array(stride(from: UInt32(0), to: UInt32.max - 4099, by: 4099))
        for edge: UInt32 in [0x3880_0000, 0x387F_FFFF, 0x4780_0000, 0x477F_EFFF, 0x477F_F000, 0x477F_E000, 0x7F80_0000,
                             0x3300_0000, 0x3300_0001, 0x32FF_FFFF, 0x3400_0000, 0x0000_0001] {
            for delta: UInt32 in 0..<3 { patterns += [edge &+ delta, edge &- delta, (edge &+ delta) | 0x8000_0000] }
        }
        // Ties to even in the normal range: exactly half an f16 ulp above 1 + k ulps, for even and odd k.
        for k: UInt32 in 0..<64 { patterns.append(0x3F80_0000 + (k << 13) + 0x1000) }
        var checked = 0
        for p in patterns {
            let x = Float(bitPattern: p)
            let fast = ElementCodec.halfBits(x)
            if x.isNaN {
                XCTAssertTrue(Float16(bitPattern: fast).isNaN, "NaN \(String(p, radix: 16)) gave \(String(fast, radix: 16))")
            } else if fast != Float16(x).bitPattern {
                XCTFail("\(x) (0x\(String(p, radix: 16))): \(String(fast, radix: 16)) vs \(String(Float16(x).bitPattern, radix: 16))")
                return
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 1_000_000)
    }

    func testHalfBytesAreLittleEndianAndRoundTrip() {
        let values: [Float] = [0, -0.0, 1, -2.5, 65504, 1e-7, .infinity]
        let bytes = ElementCodec.encode(values, as: .f16)
        XCTAssertEqual(Array(bytes[4..<6]), [0x00, 0x3C])   // 1.0 = 0x3C00
        bytes.withUnsafeBytes { raw in
            XCTAssertEqual(ElementCodec.floats(raw, dtype: .f16), values.map { Float(Float16($0)) })
        }
    }
}
