import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// `sinkscope detect` in-process on a small store with planted sinks.
final class DetectCommandTests: XCTestCase {
    /// 2 images, CLS + 9 patches, D = 16; token 4 of each image has a massive entry 300 in dimension 3.
    func makeStore() throws -> URL {
        let directory = temporaryDirectory("detect-cli")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("store")
        let model = ModelInfo(
            name: "tiny", architecture: "vit", patchSize: 14, imageSize: 42, hiddenSize: 16, heads: 1, layers: 1,
            prefixTokens: 1, grid: [3, 3])
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1], hiddenDType: .f32)
        for i in 0..<2 {
            var x = (0..<(10 * 16)).map { Float(($0 * 7 + i * 3) % 11) / 10 - 0.5 }
            x[4 * 16 + 3] = 300
            try writer.append(ImageActivations(image: ImageEntry(id: "i\(i)", source: "i\(i).png"), hidden: [0: x, 1: x]))
        }
        try writer.commit()
        return url
    }

    func detect(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(["detect"] + arguments)
        guard let detect = command as? DetectCommand else { XCTFail("parsed \(type(of: command))"); return "" }
        return try detect.output()
    }

    func testTableAndMasks() throws {
        let url = try makeStore()
        let text = try detect(["--store", url.path, "--method", "relative", "--k", "5"])
        XCTAssertTrue(text.contains("method relative (include_prefix=false k=5)"), text)
        XCTAssertTrue(text.contains("wrote 2 masks: sink.relative.0 … sink.relative.1"), text)
        let mask = try StoreReader(url: url).mask(method: "relative", layer: 1)
        XCTAssertEqual(mask.indices.filter { mask[$0] != 0 }, [4, 14])
    }

    func testJSON() throws {
        let url = try makeStore()
        let text = try detect(["--store", url.path, "--method", "massive", "--abs", "100", "--ratio", "100", "--layers", "1", "--json"])
        let report = try JSONDecoder().decode(DetectionReport.self, from: Data(text.utf8))
        XCTAssertEqual(report.layers.map(\.layer), [1])
        XCTAssertEqual(report.layers[0].sinks.total, 2)
        XCTAssertEqual(report.layers[0].dimensions.map(\.dimension), [3])
        XCTAssertNil(report.layers[0].clsIsAttentionSink, "no attention in this store")
    }

    func testBadInputIsOneSentence() throws {
        let url = try makeStore()
        XCTAssertThrowsError(try detect(["--store", url.path, "--method", "attention"])) { error in
            XCTAssertEqual(
                SinkScopeCommand.message(for: error),
                "\(url.path) has no received attention for layer 0, which method 'attention' needs; re-run extract with --attention.")
        }
        XCTAssertThrowsError(try detect(["--store", url.path, "--layers", "1,x"])) { error in
            XCTAssertEqual(
                SinkScopeCommand.message(for: error),
                "The value '1,x' is invalid for '--layers <layers>'")
        }
        XCTAssertThrowsError(try detect(["--store", url.path, "--method", "relative", "--tau", "auto"]))
        XCTAssertThrowsError(try detect(["--store", url.path, "--method", "sinkdim"])) { error in
            XCTAssertTrue(SinkScopeCommand.message(for: error).contains("√D = 4 for D=16"), SinkScopeCommand.message(for: error))
        }
    }
}
