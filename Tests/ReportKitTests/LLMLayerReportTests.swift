import ActivationStore
import Foundation
import XCTest
import TestSupport
@testable import ReportKit

/// A report on a store extracted from an LVLM folder marks the tower layer the LLM sees: "3 ◀ LLM" in
/// the sinks table, a sentence under it, and a dashed vertical line in the norm chart (the planted store,
/// layers 0...4, with `model.lvlm` saying the LLM reads layer 3 = HF hidden_states[-2]).
final class LLMLayerReportTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = temporaryDirectory("llm-layer-report") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func report(lvlm: LVLMTowerInfo?, _ name: String) throws -> (html: String, normChart: Data) {
        var model = PlantedStore.model
        model.lvlm = lvlm
        let store = root.appendingPathComponent("store-\(name)")
        try PlantedStore.write(to: store, model: model)
        var c = ReportConfig(store: store, out: root.appendingPathComponent(name))
        c.progress = false
        let summary = try ReportBuilder(c).build()
        let out = URL(fileURLWithPath: summary.html).deletingLastPathComponent()
        return (try String(contentsOfFile: summary.html, encoding: .utf8), try Data(contentsOf: out.appendingPathComponent("figures/norms-by-layer.png")))
    }

    func testTheLayerTheLLMSeesIsMarked() throws {
        let tower = LVLMTowerInfo(family: "llava", featureSource: "hidden_states[-2]", hfFeatureLayer: -2, layer: 3,
                                  selectStrategy: "default", tokenMerge: nil, tokensPassed: 36)
        let marked = try report(lvlm: tower, "marked")
        let plain = try report(lvlm: nil, "plain")
        XCTAssertTrue(marked.html.contains("<td>3 ◀ LLM</td>"), marked.html)
        XCTAssertEqual(marked.html.components(separatedBy: "◀ LLM</td>").count - 1, 1, "one row is marked")
        XCTAssertTrue(marked.html.contains(
            "Layer marked ◀ LLM: the LLM of llava sees layer 3 (HF hidden_states[-2]), select default (CLS dropped), no token merge, 36 tokens per image."),
            marked.html)
        XCTAssertTrue(marked.html.contains("the dashed vertical line marks the layer the LLM sees"))
        XCTAssertNotEqual(marked.normChart, plain.normChart, "the norm chart draws the marker")
        XCTAssertFalse(plain.html.contains("◀ LLM"))
        XCTAssertFalse(plain.html.contains("layer the LLM sees"))
    }
}
