import ActivationStore
import Foundation
import SinkAnalysis
import XCTest
import TestSupport
@testable import ReportKit

/// Reports on a store whose model has windowed-attention blocks (as Qwen2.5-VL's tower writes it):
/// the planted store with the manifest's token order marking blocks 0 and 1 windowed (windows of
/// 2×2 patches), so layers 1 and 2 are windowed and layers 3 and 4 full.
final class WindowedReportTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = temporaryDirectory("windowed-report") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func writeStore(to url: URL, windowedBlocks: [Int]) throws {
        var model = PlantedStore.model
        model.tokenOrder = TokenOrder(computed: Array(0..<36), mergeUnit: nil, mergeSize: nil, window: 2,
                                      windowedBlocks: windowedBlocks)
        let writer = try StoreWriter(url: url, model: model, layers: Array(0...4), hiddenDType: .f32, imagesPerShard: 3,
                                     preprocessing: ["resize": "84x84", "center_crop": "none", "resample": "bilinear"])
        for i in 0..<PlantedStore.images {
            try writer.append(ImageActivations(
                image: ImageEntry(id: "img\(i)", source: "/nonexistent/img\(i).png"),
                hidden: Dictionary(uniqueKeysWithValues: (0...4).map { ($0, PlantedStore.hidden(i, $0, planted: true)) }),
                received: Dictionary(uniqueKeysWithValues: (1...4).map { ($0, PlantedStore.received(i, $0, planted: true)) })))
        }
        try writer.commit()
    }

    func build(_ store: URL, _ name: String) throws -> (ReportDocument, String, URL) {
        var c = ReportConfig(store: store, out: root.appendingPathComponent(name))
        c.progress = false
        let summary = try ReportBuilder(c).build()
        let doc = try JSONDecoder().decode(ReportDocument.self, from: Data(contentsOf: URL(fileURLWithPath: summary.json)))
        return (doc, try String(contentsOfFile: summary.html, encoding: .utf8), root.appendingPathComponent(name))
    }

    func testWindowedLayersAreMarkedInTableNoteAndCharts() throws {
        let windowed = root.appendingPathComponent("windowed"), full = root.appendingPathComponent("full")
        try writeStore(to: windowed, windowedBlocks: [0, 1])
        try writeStore(to: full, windowedBlocks: [])
        let (doc, html, dir) = try build(windowed, "report-windowed")
        let (plainDoc, plainHTML, plainDir) = try build(full, "report-full")

        XCTAssertEqual(doc.detection.layers.map(\.attention), [nil, .windowed, .windowed, .full, .full])
        XCTAssertEqual(plainDoc.detection.layers.map(\.attention), [nil, nil, nil, nil, nil])
        // The sinks table: an "attention" column, one cell per layer.
        XCTAssertTrue(html.contains(">CLS top receiver</th><th>attention</th>"), "the attention column follows the CLS columns")
        let cells = ["windowed", "windowed", "full", "full"].map { "<td>\($0)</td></tr>" }
        for (layer, cell) in zip(1...4, cells) { XCTAssertTrue(html.contains(cell), "layer \(layer): \(cell)") }
        XCTAssertTrue(html.contains("Layers 1, 2 were written by windowed-attention blocks (windows of 2×2 patches)"), html)
        XCTAssertEqual(html.components(separatedBy: "Shaded: layers written by windowed-attention blocks.").count - 1, 2,
                       "the norms and the norm–attention correlation charts")
        for text in ["windowed-attention", "<td>windowed</td>", ">attention</th>", "Shaded:"] { XCTAssertFalse(plainHTML.contains(text), text) }

        // Same data, same charts, except the shading: the per-layer charts differ, the histograms do not.
        func png(_ dir: URL, _ name: String) throws -> Data { try Data(contentsOf: dir.appendingPathComponent("figures/\(name).png")) }
        XCTAssertNotEqual(try png(dir, "norms-by-layer"), try png(plainDir, "norms-by-layer"))
        XCTAssertNotEqual(try png(dir, "norm-attention-correlation"), try png(plainDir, "norm-attention-correlation"))
        XCTAssertEqual(try png(dir, "norm-hist-l02"), try png(plainDir, "norm-hist-l02"))
    }
}
