import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import Images

/// The resampler against PIL's `Image.resize` (fixtures from `make_image_fixtures.py`): every
/// convolution filter, shrinking, enlarging, and changing one axis only.
final class ResamplerTests: XCTestCase {
    /// (40, 9) and (30, 5) are vertical-first in Pillow 13 (height cut by > 2x the width's pixels).
    let sizes = [(13, 9), (80, 51), (37, 60), (20, 23), (5, 3), (40, 9), (30, 5)]

    func source() throws -> RGBImage {
        try ImageDecoder().decode(contentsOf: Fixtures.url("images/resample/source.png"))
    }

    func testEveryFilterAndSizeMatchesPILExactly() throws {
        let src = try source()
        for filter in ResampleFilter.allCases {
            for (w, h) in sizes {
                let ref = try NPYReader.read(url: Fixtures.url("images/resample/\(filter.name)-\(w)x\(h).npy"))
                XCTAssertEqual(ref.shape, [h, w, 3])
                let out = Resampler.resize(src, width: w, height: h, filter: filter)
                XCTAssertEqual([out.width, out.height], [w, h])
                let mismatches = zip(out.pixels, ref.uint8s()).filter { $0 != $1 }.count
                XCTAssertEqual(mismatches, 0, "\(filter.name) \(w)x\(h): \(mismatches) values differ from PIL")
            }
        }
    }

    func testKernelWeightsAreNormalisedAndWithinSupport() {
        for filter in ResampleFilter.allCases {
            for (inSize, outSize) in [(37, 13), (23, 51), (451, 256), (256, 224)] {
                let k = Resampler.Kernel(inSize: inSize, outSize: outSize, filter: filter)
                let scale = Double(inSize) / Double(outSize)
                for i in 0..<outSize {
                    let w = k.weights[(i * k.taps)..<(i * k.taps + k.count[i])]
                    XCTAssertEqual(w.reduce(0, +), 1, accuracy: 1e-12, "\(filter) \(inSize)->\(outSize) row \(i)")
                    XCTAssertGreaterThanOrEqual(k.start[i], 0)
                    XCTAssertLessThanOrEqual(k.start[i] + k.count[i], inSize)
                    // Taps lie within support * max(scale, 1) of the kernel centre (+1 for PIL's rounding).
                    let center = (Double(i) + 0.5) * scale, reach = filter.support * max(scale, 1) + 1
                    XCTAssertGreaterThanOrEqual(Double(k.start[i]), center - reach)
                    XCTAssertLessThanOrEqual(Double(k.start[i] + k.count[i]), center + reach)
                }
            }
        }
    }

    func testFixedPointAgreesWithDoubleReferenceWithinRoundingBound() throws {
        // The fixed-point path (what PIL does) against the plain Double convolution: they differ
        // only by rounding the first pass to UInt8 (≤ 0.5, amplified by the second pass's kernel's
        // absolute sum) and rounding the result (≤ 0.5); the 22-bit weights add < 0.001.
        let src = try source()
        for filter in ResampleFilter.allCases {
            for (w, h) in sizes {
                let fast = Resampler.resize(src, width: w, height: h, filter: filter).pixels
                let ref = Resampler.reference(src, width: w, height: h, filter: filter)
                // The second pass's kernel amplifies the first pass's rounding (vertical-first: horizontal).
                let second = Resampler.verticalFirst(inWidth: src.width, inHeight: src.height, outWidth: w, outHeight: h)
                    ? Resampler.Kernel(inSize: src.width, outSize: w, filter: filter)
                    : Resampler.Kernel(inSize: src.height, outSize: h, filter: filter)
                let gain = h == src.height || w == src.width ? 0 : (0..<second.count.count).map { i in
                    second.weights[(i * second.taps)..<(i * second.taps + second.count[i])].map(abs).reduce(0, +)
                }.max()!
                let bound = 0.5 + 0.5 * gain + 0.001
                let diff = zip(fast, ref).map { abs(Double($0) - $1) }.max() ?? 0
                XCTAssertLessThanOrEqual(diff, bound, "\(filter.name) \(w)x\(h)")
            }
        }
    }

    func testSameSizeIsTheIdentity() throws {
        let src = try source()
        XCTAssertEqual(Resampler.resize(src, width: src.width, height: src.height, filter: .bicubic), src)
    }
}
