import ActivationStore
import Foundation
import TestSupport
import XCTest

@testable import SinkAnalysis

/// A store whose model section says which tower layer the LLM sees (`model.lvlm`, written when the tower
/// was extracted from an LVLM folder): `pathway` names it in one sentence, first among its notes, and says
/// when the dump's vision layer is another one.
final class PathwayTowerNoteTests: XCTestCase {
    /// The planted LVLM store (vision layer 11) with `model.lvlm` added to its manifest.
    func store(towerLayer: Int, merge: String?) throws -> StoreReader {
        let reader = try PlantedLVLM.scaledAttention().store(self)
        let url = reader.url.appendingPathComponent(StoreKeys.manifest)
        var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        var model = try XCTUnwrap(manifest["model"] as? [String: Any])
        let tower = LVLMTowerInfo(family: "llava", featureSource: "hidden_states[-2]", hfFeatureLayer: -2, layer: towerLayer,
                                  selectStrategy: "default", tokenMerge: merge, tokensPassed: 16)
        model["lvlm"] = try JSONSerialization.jsonObject(with: JSONEncoder().encode(tower))
        manifest["model"] = model
        try JSONSerialization.data(withJSONObject: manifest).write(to: url)
        return try StoreReader(url: reader.url)
    }

    func testTowerExtractionNoteNamesTheLayerTheLLMSees() throws {
        let report = try PathwayAnalysis.run(store: try store(towerLayer: 11, merge: nil), config: PathwayConfig(vitDetector: NormThreshold(tau: 10)),
                                             progress: false)
        XCTAssertEqual(report.notes.first,
                       "Tower extraction: the LLM of llava sees layer 11 (HF hidden_states[-2]), select default (CLS dropped), no token merge, 16 tokens per image.")
        XCTAssertTrue(report.table().contains("Tower extraction: the LLM of llava sees layer 11"), report.table())
    }

    func testAnotherDumpLayerAndAMergeAreSaid() throws {
        let report = try PathwayAnalysis.run(store: try store(towerLayer: 10, merge: "pixel_shuffle 2x2->1"),
                                             config: PathwayConfig(vitDetector: NormThreshold(tau: 10)), progress: false)
        XCTAssertEqual(report.notes.first,
                       "Tower extraction: the LLM of llava sees layer 10 (HF hidden_states[-2]), select default (CLS dropped), "
                        + "merge pixel_shuffle 2x2->1, 16 tokens per image; this pathway reads layer 11, the dump's vision layer.")
    }

    func testPlainLVLMStoreHasNoTowerNote() throws {
        let report = try PathwayAnalysis.run(store: try PlantedLVLM.scaledAttention().store(self),
                                             config: PathwayConfig(vitDetector: NormThreshold(tau: 10)), progress: false)
        XCTAssertFalse(report.notes.contains { $0.hasPrefix("Tower extraction") }, "\(report.notes)")
    }
}
