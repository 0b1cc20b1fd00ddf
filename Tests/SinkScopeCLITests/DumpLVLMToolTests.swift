import Foundation
import TestSupport
import XCTest

/// scripts/dump_lvlm.py on tiny random LVLMs of all six families, built offline at test time by
/// scripts/make_tiny_lvlm.py (CPU, float32): each dump imports and runs through `pathway` and
/// `export-order`; for LLaVA and Qwen2.5-VL (2x2 merged tokens), scripts/check_lvlm_dump.py
/// recomputes the sink-fed vs other attention shares from HF's own attentions and the logit-lens
/// words from HF's own hidden states, and matches pathway.json (1e-6) and the store.
final class DumpLVLMToolTests: XCTestCase {
    static let modules = ["torch", "transformers", "numpy", "PIL", "safetensors", "tokenizers"]

    private func script(_ name: String) -> String { Fixtures.repositoryRoot.appendingPathComponent("scripts/\(name)").path }

    /// Builds the family's tiny model and two 64x64 images, dumps them with the logit lens, imports,
    /// runs pathway and export-order; returns the work directory.
    private func dumpAndAnalyse(_ family: String, file: StaticString = #filePath, line: UInt = #line) throws -> URL {
        guard Python.canImport(Self.modules) else { throw XCTSkip(Python.missing(Self.modules)) }
        let dir = temporaryDirectory("dump-lvlm-\(family)")
        let model = dir.appendingPathComponent("model"), images = dir.appendingPathComponent("images")
        var r = try Python.run([script("make_tiny_lvlm.py"), family, model.path])
        XCTAssertEqual(r.status, 0, r.output, file: file, line: line)
        r = try Python.run(["-c", """
            import numpy as np, os, sys; from PIL import Image
            os.makedirs(sys.argv[1], exist_ok=True); g = np.random.default_rng(3)
            for i in range(2): Image.fromarray(g.integers(0, 255, (64, 64, 3), dtype=np.uint8)).save(os.path.join(sys.argv[1], f"im{i}.png"))
            """, images.path])
        XCTAssertEqual(r.status, 0, r.output, file: file, line: line)
        let dump = dir.appendingPathComponent("dump.npz")
        r = try Python.run([script("dump_lvlm.py"), "--model", model.path, "--images", images.path, "--out", dump.path, "--decode-top-k", "3"])
        XCTAssertEqual(r.status, 0, r.output, file: file, line: line)
        XCTAssertTrue(r.output.contains("predicted memory"), r.output, file: file, line: line)
        XCTAssertTrue(r.output.contains("image 2/2"), "progress per image: \(r.output)", file: file, line: line)
        let store = dir.appendingPathComponent("store").path
        for arguments in [["import", "--lvlm", dump.path, "--out", store, "--dtype", "f32"],
                          ["pathway", "--store", store, "--out", dir.appendingPathComponent("pathway").path, "--method", "topk", "--k", "1"],
                          ["pathway", "export-order", "--store", store, "--method", "topk", "--k", "1", "--out", dir.appendingPathComponent("order.safetensors").path]] {
            let c = try CLI.run(arguments)
            XCTAssertEqual(c.status, 0, "\(arguments[0]): \(c.stderr)", file: file, line: line)
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("pathway/pathway.json"))) as! [String: Any]
        XCTAssertEqual((report["attention"] as? [Any])?.count, 3, "three LLM layers", file: file, line: line)
        XCTAssertNotNil(report["sink_feeding"], file: file, line: line)
        XCTAssertEqual((report["decoded_words"] as? [Any])?.count, 2, "a gallery of both images", file: file, line: line)
        return dir
    }

    private func check(_ family: String) throws {
        let dir = try dumpAndAnalyse(family)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Python.run([script("check_lvlm_dump.py"), dir.appendingPathComponent("model").path, dir.appendingPathComponent("images").path,
                                dir.appendingPathComponent("store").path, dir.appendingPathComponent("pathway/pathway.json").path, "--tol", "1e-6"])
        XCTAssertEqual(r.status, 0, r.output)
        XCTAssertFalse(r.output.contains("FAIL"), r.output)
        XCTAssertTrue(r.output.contains("ok layer 3"), r.output)
        XCTAssertTrue(r.output.contains("ok decoded words"), r.output)
    }

    func testLLaVASharesAndWordsMatchAnIndependentRecomputation() throws { try check("llava") }
    func testQwen25VLMergedSharesAndWordsMatchAnIndependentRecomputation() throws { try check("qwen2_5_vl") }

    func testOtherFamiliesDumpImportAndAnalyse() throws {
        for (family, tokens) in [("paligemma", 16), ("internvl", 20), ("llava_next", 88), ("llava_onevision", 88)] {
            let dir = try dumpAndAnalyse(family)
            defer { try? FileManager.default.removeItem(at: dir) }
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("store/manifest.json"))) as! [String: Any]
            let lvlm = manifest["lvlm"] as! [String: Any]
            XCTAssertEqual(lvlm["visual_tokens"] as? Int, tokens, family)
            XCTAssertEqual(lvlm["family"] as? String, family)
        }
    }

    func testUnknownFamilyAndNonEagerAttentionGetOneSentence() throws {
        guard Python.canImport(Self.modules) else { throw XCTSkip(Python.missing(Self.modules)) }
        let dir = temporaryDirectory("dump-lvlm-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("model"), withIntermediateDirectories: true)
        try #"{"model_type": "blip_2"}"#.write(to: dir.appendingPathComponent("model/config.json"), atomically: true, encoding: .utf8)
        var r = try Python.run([script("dump_lvlm.py"), "--model", dir.appendingPathComponent("model").path, "--images", dir.path, "--out", dir.appendingPathComponent("d.npz").path])
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.output.contains("a 'blip_2' model, a family dump_lvlm.py does not know; it knows llava, llava_next"), r.output)
        XCTAssertEqual(r.output.split(separator: "\n").count, 1, r.output)
        try #"{"model_type": "llava", "text_config": {"num_hidden_layers": 2}}"#.write(to: dir.appendingPathComponent("model/config.json"), atomically: true, encoding: .utf8)
        try Data([0]).write(to: dir.appendingPathComponent("a.png"))
        r = try Python.run([script("dump_lvlm.py"), "--model", dir.appendingPathComponent("model").path, "--images", dir.path,
                            "--out", dir.appendingPathComponent("d.npz").path, "--attn-implementation", "sdpa"])
        XCTAssertEqual(r.status, 2, r.output)
        XCTAssertTrue(r.output.contains("only eager attention computes (sdpa and flash attention never materialise them)"), r.output)
    }
}
