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
        let photos = root.appendingPathComponent("photos"), model = root.appendingPathComponent("tiny-vit")
        for dir in [photos, model] { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }
        let sources = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("images/decode").path)
            .filter { $0.hasSuffix(".png") }.sorted().prefix(2)
        try XCTSkipIf(sources.count < 2, "needs two PNG fixtures in Tests/Fixtures/images/decode")
        for name in sources {
            try FileManager.default.copyItem(at: Fixtures.url("images/decode/\(name)"), to: photos.appendingPathComponent(name))
        }
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: Fixtures.url("models/tiny-vit/\(file)"), to: model.appendingPathComponent(file))
        }
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
}
