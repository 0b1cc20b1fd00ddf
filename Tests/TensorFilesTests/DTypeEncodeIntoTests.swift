import TensorFiles
import XCTest

/// `DType.encode(_:into:)`, which store writers use to fill a shard in place, against `encode(_:)`.
final class DTypeEncodeIntoTests: XCTestCase {
    /// For every dtype the bytes written in place equal the array `encode` returns, and not a byte
    /// outside the values' span changes (a marker before and after it).
    func testEncodeIntoWritesExactlyTheBytesOfEncode() {
        var values: [Float] = [0, -0, 1, -1, 0.5, 65504, 65520, -70000, 1e-8, 6e-5, 3.4e38, .infinity, -.infinity, .nan, 255.9, -3.7, 1e10]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<1000 {   // a reproducible spread of magnitudes and signs
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) * 1e-3)
        }
        let margin = 13, marker: UInt8 = 0xA5
        for dtype in DType.allCases {
            let expected = dtype.encode(values)
            var buffer = [UInt8](repeating: marker, count: expected.count + 2 * margin)
            buffer.withUnsafeMutableBytes { dtype.encode(values, into: $0.baseAddress! + margin) }
            XCTAssertEqual(Array(buffer[margin..<(margin + expected.count)]), expected, "\(dtype)")
            XCTAssertEqual(expected.count, values.count * dtype.byteSize, "\(dtype)")
            XCTAssertTrue(buffer[..<margin].allSatisfy { $0 == marker }, "\(dtype) wrote before its span")
            XCTAssertTrue(buffer[(margin + expected.count)...].allSatisfy { $0 == marker }, "\(dtype) wrote after its span")
        }
    }
}
