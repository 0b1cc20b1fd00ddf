import Foundation
import Images
import ReportKit
import SinkAnalysis
import TestSupport
import XCTest
@testable import Workflow

/// `sinkscope compare CLEAN INTERVENED`: effect curves and the same images before and after.
final class InterventionCompareTests: XCTestCase {
    private var root: URL!

    override func setUp() { root = temporaryDirectory("intervention-compare") }
    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    private func compare(_ stores: [URL], out name: String) throws -> (html: String, json: [String: Any], out: URL) {
        var config = CompareConfig(stores: stores, out: root.appendingPathComponent(name))
        config.progress = false
        let summary = try CompareBuilder(config).build()
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summary.json))) as? [String: Any])
        return (try String(contentsOfFile: summary.html, encoding: .utf8), json, config.out)
    }

    func testCleanAgainstKnockoutShowsCurvesAndHeatmapsBeforeAndAfter() throws {
        let (clean, intervened, effects) = try InterventionFixture.stores(in: root)
        let (html, json, out) = try compare([clean, intervened], out: "compare")
        XCTAssertTrue(html.contains("id=\"intervention\""))
        XCTAssertTrue(html.contains("Store B is the intervened run"))
        for e in effects.layers { XCTAssertTrue(html.contains(String(format: "%.4f", e.otherPatchesCosine)), "layer \(e.layer)") }
        let facts = try XCTUnwrap(json["intervention"] as? [String: Any])
        XCTAssertEqual(facts["clean"] as? String, "A")
        XCTAssertEqual(facts["intervened"] as? String, "B")
        // Knockout acts from block 1; the last layer of the tiny ViT is 2.
        XCTAssertEqual(facts["layers"] as? [Int], [1, 2])
        XCTAssertEqual((facts["images"] as? [String])?.count, 2)
        for l in [1, 2] {
            for kind in ["norm", "attn"] {
                for side in ["clean", "intervened"] {
                    let png = out.appendingPathComponent(String(format: "figures/effects-00-l%02d-\(kind)-\(side).png", l))
                    XCTAssertTrue(FileManager.default.fileExists(atPath: png.path), png.lastPathComponent)
                    XCTAssertGreaterThan(try InterventionFixture.colouredPixels(png: png), 500, png.lastPathComponent)
                }
            }
        }
        XCTAssertGreaterThan(try InterventionFixture.colouredPixels(png: out.appendingPathComponent("figures/effects-cosines.png")), 50)

        // The knockout moves attention off CLS onto the patches, so the clean and intervened received
        // maps of one image differ (the pair is not the same picture drawn twice).
        let before = try ImageDecoder().decode(contentsOf: out.appendingPathComponent("figures/effects-00-l01-attn-clean.png"))
        let after = try ImageDecoder().decode(contentsOf: out.appendingPathComponent("figures/effects-00-l01-attn-intervened.png"))
        XCTAssertEqual(before.width, after.width)
        // Inside the heatmap (below the title, left of the colour bar).
        let rows = (before.height / 4)..<(before.height * 3 / 4), columns = (before.width / 5)..<(before.width * 3 / 5)
        let differing = rows.reduce(0) { n, y in n + columns.filter { before[$0, y] != after[$0, y] }.count }
        XCTAssertGreaterThan(differing, 500, "clean and intervened attention panels differ inside the heatmap")

        // Order does not matter: the store with effects.json is the intervened one.
        let (_, swapped, _) = try compare([intervened, clean], out: "swapped")
        let swappedFacts = try XCTUnwrap(swapped["intervention"] as? [String: Any])
        XCTAssertEqual(swappedFacts["intervened"] as? String, "A")

        // Two ordinary stores: no such section.
        let (plain, plainJSON, _) = try compare([clean, clean], out: "plain")
        XCTAssertFalse(plain.contains("id=\"intervention\""))
        XCTAssertNil(plainJSON["intervention"])
    }
}
