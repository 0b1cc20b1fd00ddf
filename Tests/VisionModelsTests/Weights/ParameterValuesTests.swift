import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// Weight matrices read in place from a mapped F32 checkpoint (`ParameterValues`), copied otherwise,
/// and stacks of linears (`LinearStack`) that join back-to-back parts and fill column blocks.
final class ParameterValuesTests: XCTestCase {
    /// A checkpoint with one F32 and one F16 matrix of the same values.
    private func checkpoint(_ values: [Float], shape: [Int]) throws -> (URL, ModelWeights) {
        let folder = temporaryDirectory("parameter-values")
        try SafetensorsWriter.write([
            (name: "a.weight", tensor: Tensor(floats: values, shape: shape, dtype: .f32)),
            (name: "b.weight", tensor: Tensor(floats: values, shape: shape, dtype: .f16)),
        ], to: folder.appendingPathComponent("model.safetensors"))
        return (folder, try ModelWeights(checkpoint: folder))
    }

    func testF32IsReadInPlaceAndF16IsConvertedToAnOwnedCopy() throws {
        let values: [Float] = (0..<24).map { Float($0) * 0.25 - 3 }   // exact in f16 too
        let (folder, weights) = try checkpoint(values, shape: [4, 6])
        defer { try? FileManager.default.removeItem(at: folder) }
        let f32 = try weights.parameter("a.weight", shape: [4, 6])
        XCTAssertTrue(f32.isBorrowed)
        XCTAssertEqual(f32.array, values)
        let f16 = try weights.parameter("b.weight", shape: [4, 6])
        XCTAssertFalse(f16.isBorrowed)
        XCTAssertEqual(f16.array, values)
        XCTAssertThrowsError(try weights.parameter("a.weight", shape: [6, 4])) { XCTAssertTrue("\($0)".contains("[6, 4]"), "\($0)") }
        // In memory (a conversion, or weights built by a test): an owned copy.
        let memory = ModelWeights(source: "test", entries: ["c": .init(shape: [2, 2], values: [1, 2, 3, 4])])
        XCTAssertFalse(try memory.parameter("c", shape: [2, 2]).isBorrowed)
    }

    /// A matrix large enough to be converted in slices gives the same values on one worker and on
    /// several (slice borders at odd element counts included), for F16 and BF16.
    func testLargeHalfMatricesConvertToTheSameValuesOnSeveralWorkers() throws {
        let rows = 517, cols = 509   // 263,153 values: above the slicing threshold, no power of two
        var rng = TestRandom(seed: 5)
        let values = (0..<(rows * cols)).map { _ in Float(rng.normal()) * 3 }
        let folder = temporaryDirectory("parameter-values-large")
        defer { try? FileManager.default.removeItem(at: folder) }
        try SafetensorsWriter.write([
            (name: "h.weight", tensor: Tensor(floats: values, shape: [rows, cols], dtype: .f16)),
            (name: "b.weight", tensor: Tensor(floats: values, shape: [rows, cols], dtype: .bf16)),
        ], to: folder.appendingPathComponent("model.safetensors"))
        var weights = try ModelWeights(checkpoint: folder)
        for (name, dtype) in [("h.weight", DType.f16), ("b.weight", .bf16)] {
            let expected = dtype.encode(values).withUnsafeBytes { raw in
                (0..<values.count).map { i -> Float in
                    let bits = UInt16(raw[2 * i]) | UInt16(raw[2 * i + 1]) << 8
                    return dtype == .f16 ? Float(Float16(bitPattern: bits)) : Float(bitPattern: UInt32(bits) << 16)
                }
            }
            for threads in [1, 2, 3] {
                weights.decodeThreads = threads
                XCTAssertEqual(try weights.parameter(name, shape: [rows, cols]).array, expected, "\(dtype) on \(threads) workers")
            }
        }
    }

    func testRowBlocksOfOneTensorJoinIntoOnePartAndSeparateTensorsStayApart() throws {
        let d = 3
        let fused = ParameterValues((0..<(3 * d * d)).map(Float.init))   // a fused q | k | v weight [3D, D]
        let parts = (0..<3).map { LinearWeights(weight: fused.rows(($0 * d)..<(($0 + 1) * d), width: d), bias: nil, outputs: d, inputs: d) }
        let joined = LinearStack(parts)
        XCTAssertEqual(joined.parts.count, 1)
        XCTAssertEqual(joined.parts[0].weight.base, fused.base)
        XCTAssertEqual(joined.outputs, 3 * d)
        // A bias on only one part: the others get zeros in the joined bias.
        var withKeyBias = parts
        withKeyBias[1].bias = [7, 8, 9]
        XCTAssertEqual(LinearStack(withKeyBias).parts[0].bias, [0, 0, 0, 7, 8, 9, 0, 0, 0])
        let apart = LinearStack(parts.map { LinearWeights(weight: ParameterValues($0.weight.array), bias: nil, outputs: d, inputs: d) })
        XCTAssertEqual(apart.parts.count, 3)
    }

    /// The stack's output equals one linear over the explicitly stacked matrix, part by part in its columns.
    func testStackFillsColumnBlocksLikeOneStackedMatrix() {
        let m = 5, k = 4, outs = [3, 2, 6]
        var seed: UInt64 = 1
        func next() -> Float { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return Float(Int(seed >> 40) % 17 - 8) / 4 }
        let x = (0..<(m * k)).map { _ in next() }
        let parts = outs.map { n in
            LinearWeights(weight: ParameterValues((0..<(n * k)).map { _ in next() }), bias: (0..<n).map { _ in next() }, outputs: n, inputs: k)
        }
        let stack = LinearStack(parts)
        XCTAssertEqual(stack.parts.count, 3)
        let total = outs.reduce(0, +)
        var y = [Float](repeating: .nan, count: m * total)
        y.withUnsafeMutableBufferPointer { yp in
            x.withUnsafeBufferPointer { xp in linear(yp.baseAddress!, xp.baseAddress!, stack, rows: m, threads: 2) }
        }
        let expected = naiveLinear(x, weight: parts.flatMap(\.weight.array), bias: parts.flatMap { $0.bias! }, m: m, k: k, n: total)
        XCTAssertEqual(y, expected)   // small integers / 4: exact in f32
    }
}
