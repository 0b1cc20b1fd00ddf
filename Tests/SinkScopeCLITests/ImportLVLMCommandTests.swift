import ActivationStore
import Foundation
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// `sinkscope import --lvlm`: parsing, the summary, and the options that do not mix with it.
final class ImportLVLMCommandTests: XCTestCase {
    /// 2 images, P = 4 (2x2) at positions 1...4 of S = 6, Lm = 1, Dv = 2, Dm = 3; uniform attention.
    func makeDump() throws -> (dump: URL, out: URL) {
        let dir = temporaryDirectory("import-lvlm-cli")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("dump.safetensors")
        try SafetensorsWriter.write([
            (name: "vit_hidden", tensor: Tensor(floats: (0..<16).map(Float.init), shape: [2, 4, 2])),
            (name: "llm_attention_received", tensor: Tensor(floats: [Float](repeating: 1, count: 12), shape: [1, 2, 6])),
            (name: "llm_hidden_visual", tensor: Tensor(floats: (0..<48).map(Float.init), shape: [2, 2, 4, 3])),
            (name: "image_token_start", tensor: Tensor(int64s: [1, 1], shape: [2])),
        ], metadata: ["vit_layer": "3", "vit_blocks": "4", "lvlm_name": "toy", "image_ids": "[\"x\",\"y\"]"], to: url)
        return (url, dir.appendingPathComponent("store"))
    }

    func output(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(["import"] + arguments)
        guard let c = command as? ImportCommand else { XCTFail("parsed \(type(of: command))"); return "" }
        return try c.output()
    }

    func testSummary() throws {
        let (dump, out) = try makeDump()
        let text = try output(["--lvlm", dump.path, "--out", out.path, "--quiet"])
        XCTAssertEqual(text, """
            imported 2 images of LVLM toy into \(out.path)
            ViT: layers 3 (the LVLM uses hidden.3), T=4 (0 prefix + 2x2 visual tokens), D=2, hidden F16
            LLM: 1 blocks, received attention at layers 1 (from llm_attention_received), hidden states at layers 0,1 (Dm=3)
            store: 1 shard
            """)
        let json = try output(["--lvlm", dump.path, "--out", out.path, "--quiet", "--overwrite", "--json", "--llm-layers", "1"])
        let summary = try JSONDecoder().decode(LVLMImportSummary.self, from: Data(json.utf8))
        XCTAssertEqual(summary.lvlm.llmHiddenLayers, [1])
        XCTAssertEqual(try StoreReader(url: out).images.map(\.id), ["x", "y"])
    }

    func testOptionsThatDoNotMix() throws {
        let (dump, out) = try makeDump()
        XCTAssertThrowsError(try output(["--lvlm", dump.path, "--out", out.path, "--resume"])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error), "--resume is not supported with --lvlm; import all dumps in one run (or use --overwrite).")
        }
        XCTAssertThrowsError(try output([dump.path, "--out", out.path, "--vit-layer", "3"])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error), "--vit-layer, --vit-blocks and --llm-layers need --lvlm.")
        }
        XCTAssertThrowsError(try output(["--lvlm", dump.path, "--out", out.path, "--llm-layers", "1,x"])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error), "The value '1,x' is invalid for '--llm-layers <llm-layers>'")
        }
    }

    func testHelpShowsTheLayout() throws {
        let help = ImportCommand.helpMessage(columns: 100)
        XCTAssertTrue(help.contains("llm_attention_received [Lm, n, S]"), help)
        XCTAssertTrue(help.contains("--vit-layer"), help)
    }
}
