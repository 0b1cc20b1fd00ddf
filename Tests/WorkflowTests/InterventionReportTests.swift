import Foundation
import ReportKit
import SinkAnalysis
import TestSupport
import XCTest
@testable import Workflow

/// `sinkscope report` of a store written by `intervene` gains an Intervention section drawn from
/// its effects.json; an ordinary store's report has none.
final class InterventionReportTests: XCTestCase {
    private var root: URL!

    override func setUp() { root = temporaryDirectory("intervention-report") }
    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    func testReportOfAKnockoutStoreShowsItsEffects() throws {
        let (clean, intervened, effects) = try InterventionFixture.stores(in: root)
        var config = ReportConfig(store: intervened, out: root.appendingPathComponent("report"))
        config.progress = false
        let summary = try ReportBuilder(config).build()
        let html = try String(contentsOfFile: summary.html, encoding: .utf8)
        XCTAssertTrue(html.contains("id=\"intervention\""), "the section is there")
        // The numbers of effects.json, as the table prints them (4 decimals).
        for e in effects.layers {
            XCTAssertTrue(html.contains(String(format: "%.4f", e.pooledCosine)), "layer \(e.layer) pooled cosine")
            XCTAssertTrue(html.contains(String(format: "%.4f", e.otherPatchesCosine)), "layer \(e.layer) patches cosine")
            if let shift = e.attention, shift.freed > 1e-6 {
                XCTAssertTrue(html.contains(String(format: "%.4f", shift.toOrdinaryPatches)), "layer \(e.layer) share to patches")
            }
        }
        XCTAssertTrue(html.contains(String(format: "%.4f", effects.final.pooledCosine)))
        for sentence in effects.findings { XCTAssertTrue(html.contains(HTML.escape(sentence)), sentence) }
        // A knockout of CLS at blocks 1–2 really frees attention there: the sentences say so.
        XCTAssertTrue(effects.findings.contains { $0.hasPrefix("The selected tokens lose the most received attention at layer") })
        // CLS is the selection, so no sentence says how much of its own attention went "to CLS".
        XCTAssertFalse(effects.findings.contains { $0.contains("to CLS") })

        // The charts exist and have lines in their plot areas.
        for name in ["cosines", "norms", "received", "freed"] {
            let png = root.appendingPathComponent("report/figures/intervention-\(name).png")
            XCTAssertTrue(FileManager.default.fileExists(atPath: png.path), name)
            XCTAssertGreaterThan(try InterventionFixture.colouredPixels(png: png), 50, "\(name) chart has drawn series")
        }
        // report.json carries the same effects.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary.json))) as? [String: Any]
        let layers = try XCTUnwrap((json?["intervention"] as? [String: Any])?["layers"] as? [[String: Any]])
        XCTAssertEqual(layers.count, effects.layers.count)

        // The clean store is an ordinary store: no Intervention section.
        var plain = ReportConfig(store: clean, out: root.appendingPathComponent("plain"))
        plain.progress = false
        let plainHTML = try String(contentsOfFile: try ReportBuilder(plain).build().html, encoding: .utf8)
        XCTAssertFalse(plainHTML.contains("id=\"intervention\""))
    }

    func testUnreadableEffectsFileIsOneSentence() throws {
        let (_, intervened, _) = try InterventionFixture.stores(in: root, kind: .zero)
        try Data("{\"model\": 3}".utf8).write(to: intervened.appendingPathComponent("effects.json"))
        var config = ReportConfig(store: intervened, out: root.appendingPathComponent("report"))
        config.progress = false
        XCTAssertThrowsError(try ReportBuilder(config).build()) { error in
            XCTAssertTrue("\(error)".contains("effects.json"), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("report").path), "nothing written")
    }
}
