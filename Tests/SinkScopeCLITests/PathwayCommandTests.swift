import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// `sinkscope pathway` in-process on a small LVLM store: the table, the files and bad options.
final class PathwayCommandTests: XCTestCase {
    /// 2 images, P = 4 (2x2) at positions 1...4 of S = 10, Lm = 2. Patch 3 is the ViT sink
    /// (norm 40 vs 1); it gets 7x an ordinary token's share; LLM dim 2 = 300 on it at layers 1, 2.
    func makeStore() throws -> URL {
        let dir = temporaryDirectory("pathway-cli")
        addTeardownBlock { try? FileManager.default.removeItem(at: dir) }
        let dump = dir.appendingPathComponent("dump.safetensors")
        let vit: [Float] = (0..<2).flatMap { _ in (0..<4).flatMap { p -> [Float] in [p == 3 ? 40 : 1, 0] } }
        var received: [Float] = []
        for _ in 0..<2 { for _ in 0..<2 { received += [9, 0.1, 0.1, 0.1, 0.7, 0, 0, 0, 0, 0] as [Float] } }
        var hidden: [Float] = []
        for l in 0...2 { for _ in 0..<2 { for p in 0..<4 { for k in 0..<8 { hidden.append(l > 0 && p == 3 && k == 2 ? 300 : Float(k % 3) / 10 - 0.1) } } } }
        try SafetensorsWriter.write([
            (name: "vit_hidden", tensor: Tensor(floats: vit, shape: [2, 4, 2])),
            (name: "llm_attention_received", tensor: Tensor(floats: received, shape: [2, 2, 10])),
            (name: "llm_hidden_visual", tensor: Tensor(floats: hidden, shape: [3, 2, 4, 8])),
            (name: "image_token_start", tensor: Tensor(int64s: [1], shape: [])),
        ], metadata: ["vit_layer": "2", "lvlm_name": "toy"], to: dump)
        var o = LVLMImportOptions(inputs: [dump], output: dir.appendingPathComponent("store"))
        o.showProgress = false
        o.hiddenDType = .f32
        _ = try LVLMImporter.run(o)
        return o.output
    }

    func pathway(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(["pathway"] + arguments)
        guard let c = command as? PathwayAnalyzeCommand else { XCTFail("parsed \(type(of: command))"); return "" }
        return try c.output()
    }

    func testTableAndFiles() throws {
        let store = try makeStore()
        let out = store.deletingLastPathComponent().appendingPathComponent("out")
        let text = try pathway(["--store", store.path, "--out", out.path, "--tau", "10", "--llm-ratio", "100", "--buckets", "2", "--quiet"])
        XCTAssertTrue(text.contains("ViT sinks (norm include_prefix=false tau=10): 2 (1.00 per image, 2 images with sinks)"), text)
        XCTAssertTrue(text.contains("LLM sink dimensions: propagated ViT sinks 2; LLM-emerged sinks none; shared none"), text)
        let report = try PathwayReport.read(out.appendingPathComponent("pathway.json"))
        XCTAssertEqual(report.attention.map { $0.vitSinkRatio! }, [7, 7], accuracy: 1e-5)
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path)
        for f in ["pathway.html", "pathway-share-by-layer.png", "pathway-share-by-norm.png", "pathway-relevance-0.png"] {
            XCTAssertTrue(files.contains(f), "\(f) in \(files)")
        }
        let json = try pathway(["analyze", "--store", store.path, "--out", out.path, "--tau", "10", "--json", "--quiet"])
        XCTAssertEqual(try JSONDecoder().decode(PathwayReport.self, from: Data(json.utf8)).vitSinks.total, 2)
    }

    func testExportOrder() throws {
        let store = try makeStore()
        let file = store.deletingLastPathComponent().appendingPathComponent("order.safetensors")
        let command = try SinkScopeCommand.parseAsRoot(["pathway", "export-order", "--store", store.path, "--tau", "10", "--out", file.path])
        let text = try XCTUnwrap(command as? ExportOrderCommand).output()
        XCTAssertEqual(text, """
            wrote \(file.path): 2 images x 4 visual tokens, ViT layer 2, method norm
            sinks moved to the front: 2 (1.00 per image, 1–1); position ids from llm.visual_positions
            """)
        let tensors = try SafetensorsFile(url: file)
        XCTAssertEqual(try tensors.tensor("order.permutation").int64s(), [3, 0, 1, 2, 3, 0, 1, 2])
        XCTAssertEqual(try tensors.tensor("order.position_ids").int64s(), [4, 1, 2, 3, 4, 1, 2, 3])
        XCTAssertEqual(tensors.metadata["method"], "norm")
    }

    /// The old `--vit-*` spellings are hidden aliases of detect's names: same report, not in --help.
    func testOldOptionNamesStillWork() throws {
        let store = try makeStore()
        let dir = store.deletingLastPathComponent()
        let canonical = try pathway(["--store", store.path, "--out", dir.appendingPathComponent("new").path, "--method", "massive",
                                     "--abs", "100", "--ratio", "10", "--llm-ratio", "100", "--json", "--quiet"])
        let old = try pathway(["--store", store.path, "--out", dir.appendingPathComponent("old").path, "--vit-method", "massive",
                               "--vit-abs", "100", "--vit-ratio", "10", "--llm-ratio", "100", "--json", "--quiet"])
        XCTAssertEqual(old, canonical)
        XCTAssertTrue(canonical.contains("\"vit_method\" : \"massive\""), canonical)
        for help in [PathwayAnalyzeCommand.helpMessage(), ExportOrderCommand.helpMessage(), DetectCommand.helpMessage()] {
            XCTAssertFalse(help.contains("--vit-"), help)
            XCTAssertTrue(help.contains("--method <method>") && help.contains("--abs <abs>"), help)
        }
        XCTAssertThrowsError(try pathway(["--store", store.path, "--out", "/tmp/x", "--abs", "3", "--vit-abs", "4"])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error), "--abs and --vit-abs are the same option (--vit-abs is its old name); give it once.")
        }
    }

    func testBadOptions() throws {
        let store = try makeStore()
        XCTAssertThrowsError(try pathway(["--store", store.path, "--out", "/tmp/x", "--vit-method", "attention"])) { error in
            XCTAssertTrue(SinkScopeCommand.message(for: error).hasPrefix("--vit-method must be one of norm, relative, topk, massive, sinkdim"))
        }
        XCTAssertThrowsError(try pathway(["--store", store.path, "--out", "/tmp/x", "--method", "attention"])) { error in
            XCTAssertTrue(SinkScopeCommand.message(for: error).hasPrefix("--method must be one of norm, relative, topk, massive, sinkdim"))
        }
        XCTAssertThrowsError(try pathway(["--store", store.path, "--out", "/tmp/x", "--include-prefix"])) { error in
            XCTAssertTrue(SinkScopeCommand.message(for: error).hasPrefix("--include-prefix does not apply to pathway"))
        }
        XCTAssertThrowsError(try pathway(["--store", store.path, "--out", "/tmp/x", "--method", "relative", "--tau", "3"])) { error in
            XCTAssertTrue(SinkScopeCommand.message(for: error).contains("method relative reads only k"), SinkScopeCommand.message(for: error))
        }
        XCTAssertThrowsError(try pathway(["--store", "/nonexistent/store", "--out", "/tmp/x"])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error), "/nonexistent/store: not a SinkScope store (there is no manifest.json; an interrupted write leaves none).")
        }
    }
}

private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
