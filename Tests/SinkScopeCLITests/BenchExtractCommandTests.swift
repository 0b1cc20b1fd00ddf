import Foundation
import TestSupport
import XCTest

/// `sinkscope bench extract` (the built binary) times, in every round, a child `sinkscope extract` over
/// the same images beside the in-process forward: the whole process a user waits for (loading,
/// decoding, store writes), as a fraction of the same round's GEMM limit.
final class BenchExtractCommandTests: XCTestCase {
    func testEveryRoundTimesTheWholeProcessBesideTheForward() throws {
        let root = temporaryDirectory("bench-extract-cli")
        defer { try? FileManager.default.removeItem(at: root) }
        let (model, photos) = try TinyViTAssets.make(in: root)
        let common = ["bench", "extract", "--model", model.path, "--photos", photos.path, "--image-size", "32x32", "--attention",
                      "--images", "3", "--batch", "2", "--no-onnxruntime", "--no-transformers", "--no-memory"]
        let run = try CLI.run(common + ["--rounds", "2", "--json"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        let forward = try XCTUnwrap(json["sinkscope"] as? [Double]), whole = try XCTUnwrap(json["wholeProcess"] as? [Double])
        XCTAssertEqual(whole.count, 2, "one whole-process run per round")
        XCTAssertTrue(whole.allSatisfy { $0 > 0 && $0.isFinite }, "\(whole)")
        // The child pays for its start, loading and writes on top of the same forwards.
        XCTAssertLessThan(whole.max()!, forward.max()!, "whole process \(whole) vs forward alone \(forward)")
        XCTAssertTrue(run.stderr.contains("SinkScope whole process (sinkscope extract)"), run.stderr)
        // Each round probes the limit before the forward, after it and after the whole process, and holds each
        // run against the two probes around it.
        let probes = try XCTUnwrap(json["gemmLimitProbes"] as? [[String: Any]])
        XCTAssertEqual(probes.count, 6)
        let local = try XCTUnwrap(json["wholeProcessLocalFractions"] as? [Double])
        let seconds = probes.compactMap { $0["secondsPerImage"] as? Double }
        XCTAssertEqual(local[1], whole[1] * (seconds[4] + seconds[5]) / 2, accuracy: 1e-9 * local[1])
        XCTAssertEqual((json["localFractions"] as? [Double])?.count, 2)

        let table = try CLI.run(common + ["--rounds", "1"])
        XCTAssertEqual(table.status, 0, table.stderr)
        let row = try XCTUnwrap(table.stdout.split(separator: "\n").first { $0.hasPrefix("SinkScope whole process") }, table.stdout)
        XCTAssertTrue(row.contains(" %") && row.contains("a child sinkscope extract --attention"), String(row))
        XCTAssertTrue(table.stdout.contains("; whole process "), table.stdout)

        XCTAssertTrue(table.stdout.contains("elementwise loops (softmax, layer norm, MLP nonlinearity): "), table.stdout)

        // SINKSCOPE_VECTOR_BASELINE reaches the library through the CLI: the table names the baseline path.
        let skipped = try CLI.run(common + ["--rounds", "1", "--no-whole-process"], environment: ["SINKSCOPE_VECTOR_BASELINE": "1"])
        XCTAssertEqual(skipped.status, 0, skipped.stderr)
        XCTAssertFalse(skipped.stdout.contains("whole process"), skipped.stdout)
        XCTAssertTrue(skipped.stdout.contains("GEMM limit"), skipped.stdout)
        XCTAssertTrue(skipped.stdout.contains("elementwise loops (softmax, layer norm, MLP nonlinearity): baseline"), skipped.stdout)
    }
}
