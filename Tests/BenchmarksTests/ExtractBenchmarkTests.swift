import Foundation
import TestSupport
import VisionModels
import XCTest

@testable import Benchmarks

/// `bench extract --model FOLDER --image-size HxW --attention` times any model folder (without
/// onnxruntime, which only has the built-in DINOv2), at the size extract would use.
final class ExtractBenchmarkTests: XCTestCase {
    func testAModelFolderIsTimedAtTheRequestedSize() throws {
        let root = temporaryDirectory("bench-extract")
        defer { try? FileManager.default.removeItem(at: root) }
        let (model, photos) = try TinyViTAssets.make(in: root)
        var options = ExtractBenchmark.Options(photos: photos)
        options.model = model.path
        options.imageSize = InputSize(height: 32, width: 32)
        options.attention = true
        options.images = 3
        options.batch = 2
        options.rounds = 2
        let result = try ExtractBenchmark.run(options)
        XCTAssertEqual(result.sinkscope.count, 2)
        XCTAssertTrue(result.sinkscope.allSatisfy { $0 > 0 && $0.isFinite }, "\(result.sinkscope)")
        XCTAssertEqual(result.model, model.path)
        XCTAssertTrue(result.onnxruntime.isEmpty)

        options.imageSize = InputSize(height: 33, width: 32)
        XCTAssertThrowsError(try ExtractBenchmark.run(options)) { XCTAssertTrue("\($0)".contains("the nearest valid sizes are 32x32 and 40x32"), "\($0)") }
        options.imageSize = nil
        options.script = URL(fileURLWithPath: "scripts/bench_onnxruntime.py")
        XCTAssertThrowsError(try ExtractBenchmark.run(options)) { XCTAssertTrue("\($0)".contains("onnxruntime is compared only on the built-in"), "\($0)") }
    }

    /// With the transformers script, both modes run in every round beside SinkScope, and the table
    /// shows each side's ratio, its fraction of the GEMM limit and its peak memory.
    func testTransformersSidesAndTheGEMMLimitAreReported() throws {
        try Python.require(["torch", "transformers"])
        let root = temporaryDirectory("bench-extract-transformers")
        defer { try? FileManager.default.removeItem(at: root) }
        let (model, photos) = try TinyViTAssets.make(in: root)
        var options = ExtractBenchmark.Options(photos: photos)
        options.model = model.path
        options.imageSize = InputSize(height: 32, width: 32)
        options.attention = true
        options.images = 3
        options.batch = 2
        options.rounds = 1
        options.python = Python.executable
        options.transformersScript = Fixtures.repositoryRoot.appendingPathComponent("scripts/bench_transformers.py")
        let result = try ExtractBenchmark.run(options)
        XCTAssertEqual(result.transformers.map(\.mode), [.eager, .sdpa])
        XCTAssertEqual(result.transformers.map(\.hiddenStates), [3, 3])
        XCTAssertEqual(result.transformers.map(\.attentions), [2, 0])
        XCTAssertNotNil(result.ratio(to: .eager))
        let limit = try XCTUnwrap(result.gemmLimit)
        // 2 blocks of T = 17, D = 32, I = 64, patches 16 of K = 192: 2·16·32·192 + 2·(2·17·96·32 + 2·17·32·32 + 2·2·17·64·32
        // + 2 heads·(2·17·17·16 + 2·17·16·17)) = 196608 + 2·(104448 + 34816 + 139264 + 36992) = 827648.
        XCTAssertEqual(limit.flopsPerImage, 827_648)
        let table = ExtractBenchmark.table(result)
        XCTAssertTrue(table.contains("transformers eager+attn") && table.contains("GEMM limit"), table)
        // One round: probes before and after the forward; no executable, so no whole process and no third probe.
        XCTAssertEqual(result.gemmLimitProbes.count, 2)
        XCTAssertEqual(result.gemmLimit?.secondsPerImage, result.gemmLimitProbes.map(\.secondsPerImage).min())
        let around = GEMMLimit.around(result.gemmLimitProbes[0], result.gemmLimitProbes[1])
        XCTAssertEqual(result.localFractions, [around.fraction(of: result.sinkscope[0])])
        XCTAssertTrue(table.contains("probed just before and after each run: forward"), table)
    }

    /// A run held against the probes around it is held against their mean time per image, and the table
    /// gives each round's fraction with their median.
    func testLocalFractionsUseTheProbesAroundEachRun() {
        let fast = GEMMLimit(flopsPerImage: 4e9, secondsPerImage: 0.02, threads: 2), slow = GEMMLimit(flopsPerImage: 4e9, secondsPerImage: 0.03, threads: 2)
        let around = GEMMLimit.around(fast, slow)
        XCTAssertEqual(around.secondsPerImage, 0.025, accuracy: 1e-15)
        XCTAssertEqual(around.fraction(of: 32), 0.8, accuracy: 1e-12)   // 32 images/s against a limit of 40
        XCTAssertEqual(around.gigaflopsPerSecond, 160, accuracy: 1e-9)

        var result = ExtractBenchmark.Result(model: "m", images: 8, batch: 4, threads: 2, sinkscope: [30, 32, 31], onnxruntime: [], speedRatio: nil,
                                             peakResidentMiB: [:], onnxruntimeVersion: nil)
        result.gemmLimit = fast
        result.gemmLimitProbes = [slow, fast, slow]
        result.localFractions = [0.75, 0.8, 0.9]
        result.wholeProcessLocalFractions = [0.7, 0.86]
        let table = ExtractBenchmark.table(result)
        XCTAssertTrue(table.contains("forward 75 %, 80 %, 90 % (median 80 %); whole process 70 %, 86 % (median 78 %)"), table)
        XCTAssertTrue(table.contains("the fastest of 3 probes, which read 133–200 GFLOP/s"), table)
    }

    /// The whole-process rows pair like with like: a transformers mode's whole-process runs against
    /// SinkScope's child extract (best round over best round), and a mode the script left out shows its
    /// sentence instead of a rate.
    func testWholeProcessRowsCompareWholeProcessWithWholeProcess() {
        var result = ExtractBenchmark.Result(model: "m", images: 8, batch: 4, threads: 2, sinkscope: [0.16], onnxruntime: [], speedRatio: nil,
                                             peakResidentMiB: [:], onnxruntimeVersion: nil)
        result.wholeProcess = [0.12, 0.15]
        var eager = TransformersRun(mode: .eager), sdpa = TransformersRun(mode: .sdpa)
        eager.rates = [0.1]
        eager.wholeProcess = [0.05, 0.06]
        eager.wholeProcessPeakMiB = 5100
        sdpa.rates = [0.14]
        sdpa.wholeProcessSkipped = "m is a llava_next folder; the whole-process transformers run covers standalone towers, LLaVA, PaliGemma and Qwen2.5-VL only"
        result.transformers = [eager, sdpa]
        XCTAssertEqual(result.wholeProcessRatio(to: .eager)!, 0.15 / 0.06, accuracy: 1e-12)
        XCTAssertNil(result.wholeProcessRatio(to: .sdpa))
        let lines = ExtractBenchmark.table(result).split(separator: "\n").map(String.init)
        let whole = lines.first { $0.hasPrefix("transformers eager whole") }
        XCTAssertTrue(whole?.contains("2.50x") == true && whole?.contains("5100 MiB") == true, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.hasPrefix("transformers sdpa whole") && $0.contains("not run: m is a llava_next folder") },
                      lines.joined(separator: "\n"))

        result.wholeProcess = []   // without SinkScope's whole process there is nothing to pair them with
        XCTAssertFalse(ExtractBenchmark.table(result).contains("whole"))
    }
}
