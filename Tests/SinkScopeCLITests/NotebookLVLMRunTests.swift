import Foundation
import TestSupport
import XCTest

/// Notebook 05 (the eyes of an LVLM) on a tiny random LLaVA folder built at test time with
/// transformers (`scripts/fixtures/make_tower_models.py llava`: CLIP tower of L = 3 blocks, 4x4 patches,
/// `vision_feature_layer` −2), through the built binary: the layer the LLM sees is named by `inspect`
/// on the folder and on the store, the census covers every layer, and the report marks that layer.
final class NotebookLVLMRunTests: XCTestCase {
    func testNotebook05NamesTheLayerTheLLMSeesFromFolderToReport() throws {
        try Python.require(["torch", "transformers", "safetensors"])
        guard FileManager.default.fileExists(atPath: Fixtures.cache.appendingPathComponent("photos").path) else {
            throw XCTSkip("notebook 05 needs the sample photos: run scripts/setup.sh")
        }
        let model = temporaryDirectory("tiny-llava")
        defer { try? FileManager.default.removeItem(at: model) }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/make_tower_models.py").path
        let built = try Python.run([script, "llava", model.path, "--images", "1"])
        XCTAssertEqual(built.status, 0, built.output)
        let photos = try NotebookHarness.photoSubset(3)
        defer { try? FileManager.default.removeItem(at: photos) }
        let nb = try NotebookHarness.run("05-lvlm-eyes", variables: ["model": model.path, "photos": photos.path], needsAssets: false)
        defer { try? FileManager.default.removeItem(at: nb.out) }

        // Section 1: the folder's family and the layer the LLM reads (HF hidden_states[-2] of 4 = store layer 2).
        let folder = nb.stdout(of: "sinkscope inspect {{model}}")
        XCTAssertTrue(folder.contains("model folder: llava (tower CLIPVisionModel)"), folder)
        XCTAssertTrue(folder.contains("LLM sees: hidden_states[-2] = hidden.2, select default"), folder)

        // Section 2: the store records it.
        XCTAssertTrue(nb.stdout(of: "sinkscope extract").contains("extracted 3 images"))
        let store = nb.stdout(of: "sinkscope inspect {{store}}")
        XCTAssertTrue(store.contains(
            "LVLM tower: the LLM of llava sees layer 2 (HF hidden_states[-2]), select default (CLS dropped), no token merge, 16 tokens per image"),
            store)
        let manifest = try XCTUnwrap(nb.json("lvlm-store/manifest.json") as? [String: Any])
        let lvlm = try XCTUnwrap((manifest["model"] as? [String: Any])?["lvlm"] as? [String: Any])
        XCTAssertEqual(lvlm["layer"] as? Int, 2)
        XCTAssertEqual(lvlm["vision_feature_layer"] as? Int, -2)

        // Section 3: a census row for every layer (attention from block 1 on).
        XCTAssertEqual(DetectTable(nb.stdout(of: "--method relative")).layers, [0, 1, 2, 3])
        XCTAssertEqual(DetectTable(nb.stdout(of: "--method attention")).layers, [1, 2, 3])

        // Section 4: the report marks layer 2 once, says why, and draws the norm chart with the line.
        let html = try String(contentsOf: nb.url("report/index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<td>2 ◀ LLM</td>"), html)
        XCTAssertEqual(html.components(separatedBy: "◀ LLM</td>").count - 1, 1)
        XCTAssertTrue(html.contains("the dashed vertical line marks the layer the LLM sees"))
        XCTAssertTrue(nb.figures.contains("report/figures/norms-by-layer.png"), "\(nb.figures)")
        nb.assertPNG("report/figures/norms-by-layer.png")
    }
}
