import ActivationStore
import Foundation
import TestSupport
import XCTest
@testable import SinkScopeCLI

final class ExtractCommandTests: XCTestCase {
    override func setUp() { setenv("SINKSCOPE_NO_PROGRESS", "1", 1) }

    private func parse(_ arguments: [String]) throws -> ExtractCommand {
        let command = try SinkScopeCommand.parseAsRoot(["extract"] + arguments)
        return try XCTUnwrap(command as? ExtractCommand)
    }

    func testOptionsAreValidatedWithOneSentence() {
        let base = ["--model", "dinov2-small", "--images", "/tmp", "--out", "/tmp/x"]
        for (extra, expected) in [
            (["--layers", "0,a"], "The value '0,a' is invalid for '--layers <layers>'"),
            (["--dtype", "bf16"], "--dtype must be f16 or f32, got 'bf16'."),
            (["--batch", "0"], "--batch must be at least 1, got 0."),
            (["--threads", "0"], "--threads must be at least 1, got 0."),
        ] {
            XCTAssertThrowsError(try parse(base + extra)) { XCTAssertEqual(CLI.message($0), expected) }
        }
        XCTAssertEqual(try parse(base + ["--layers", "8, 0,4,4"]).chosenLayers, [0, 4, 8])
        XCTAssertNil(try parse(base).chosenLayers)
    }

    /// The tiny ViT fixture over three generated images: the JSON summary and the store agree.
    func testExtractsIntoAStoreAndReportsJSON() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let images = root.appendingPathComponent("images")
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let sources = try FileManager.default.contentsOfDirectory(atPath: Fixtures.url("images/decode").path)
            .filter { $0.hasSuffix(".png") }.sorted().prefix(3)
        try XCTSkipIf(sources.count < 3, "needs three PNG fixtures in Tests/Fixtures/images/decode")
        for name in sources {
            try FileManager.default.copyItem(at: Fixtures.url("images/decode/\(name)"), to: images.appendingPathComponent(name))
        }
        let model = root.appendingPathComponent("tiny-vit")
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors"] {
            try FileManager.default.copyItem(at: Fixtures.url("models/tiny-vit/\(file)"), to: model.appendingPathComponent(file))
        }
        try Data(#"{"size": {"height": 32, "width": 32}}"#.utf8).write(to: model.appendingPathComponent("preprocessor_config.json"))
        let out = root.appendingPathComponent("store")

        let text = try parse(["--model", model.path, "--images", images.path, "--out", out.path, "--attention", "--layers", "0,2", "--json"]).output()
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(json["extracted"] as? Int, 3)
        XCTAssertEqual(json["layers"] as? [Int], [0, 2])
        XCTAssertEqual(json["tokens"] as? Int, 17)
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.layers, [0, 2])
        XCTAssertEqual(store.images.map(\.id), sources.map { ($0 as NSString).deletingPathExtension })
        XCTAssertEqual(try store.received(layer: 1).count, 3 * 17)
    }
}
