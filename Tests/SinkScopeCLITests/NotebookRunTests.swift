import Foundation
import TestSupport
import XCTest

/// Runs every notebook of `Notebooks-md/` through the built binary on a small image count and
/// checks that its outputs hold the numbers and figures its text talks about.
final class NotebookRunTests: XCTestCase {
    // MARK: - 01 · finding sinks

    func testNotebook01MeasuresNormsAttentionAndDrawsTheGallery() throws {
        let photos = try NotebookHarness.photoSubset(4)
        defer { try? FileManager.default.removeItem(at: photos) }
        let nb = try NotebookHarness.run("01-finding-sinks", variables: ["photos": photos.path])
        defer { try? FileManager.default.removeItem(at: nb.out) }

        // Section 1: 4 photos, 13 hidden layers of [n, 257, 384], norms, received attention at 1-12.
        XCTAssertTrue(nb.stdout(of: "sinkscope extract").contains("extracted 4 images"))
        let inspect = nb.stdout(of: "sinkscope inspect")
        for l in 0...12 { XCTAssertTrue(inspect.contains("hidden.\(l) ") && inspect.contains("[4, 257, 384]"), "hidden.\(l)") }
        XCTAssertTrue(inspect.contains("[4, 13, 257]"), inspect)
        XCTAssertTrue(inspect.contains("received attention: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12"), inspect)

        // Sections 2, 3, 5: a row per layer 0-12; calibration gives a threshold or a reason per layer.
        for method in ["--method relative", "--method norm --tau auto", "--method topk", "--method massive"] {
            XCTAssertEqual(DetectTable(nb.stdout(of: method)).layers, Array(0...12), method)
        }
        let calibrated = nb.stdout(of: "--method norm --tau auto")
        let table = DetectTable(calibrated)
        for (layer, threshold) in zip(table.layers, table.column(1)) {
            if threshold == "none" {
                XCTAssertTrue(calibrated.contains("note: Layer \(layer): No separate high-norm mode"), "layer \(layer) gives its reason")
            } else {
                XCTAssertTrue(threshold.hasSuffix("*") && Double(threshold.dropLast()) != nil, "layer \(layer): \(threshold)")
            }
        }
        // Top-k: exactly 4 per image whatever the norms; norm× is a number for every layer.
        let topk = DetectTable(nb.stdout(of: "--method topk"))
        XCTAssertEqual(Set(topk.column(2)), ["4"])
        XCTAssertTrue(topk.column(5).allSatisfy { Double($0) != nil }, "\(topk.column(5))")

        // Section 4: received attention exists for layers 1-12; the CLS columns the text reads are filled.
        let attention = DetectTable(nb.stdout(of: "--method attention"))
        XCTAssertEqual(attention.layers, Array(1...12))
        XCTAssertTrue(attention.column(8).allSatisfy { Double($0) != nil }, "CLS attn×: \(attention.column(8))")
        XCTAssertTrue(attention.column(9).allSatisfy { $0 == "yes" || $0 == "no" }, "CLS sink: \(attention.column(9))")

        // Section 6: the report with histograms per layer and the gallery, every figure a real PNG.
        XCTAssertTrue(FileManager.default.fileExists(atPath: nb.url("report/index.html").path))
        let figures = nb.figures.filter { $0.hasPrefix("report/") }
        for l in 0...12 { XCTAssertTrue(figures.contains(String(format: "report/figures/norm-hist-l%02d.png", l)), "histogram of layer \(l)") }
        XCTAssertTrue(figures.contains { $0.contains("gallery-0000-input") })
        XCTAssertTrue(figures.contains { $0.contains("-attn.png") } && figures.contains { $0.contains("-norm.png") })
        for figure in figures { nb.assertPNG(figure) }
        let report = try nb.json("report/report.json") as? [String: Any]
        XCTAssertEqual(((report?["detection"] as? [String: Any])?["layers"] as? [Any])?.count, 13)
    }

    // MARK: - 04 · bring your own dump

    func testNotebook04ImportsTheExampleAndFindsThePlantedSinks() throws {
        let nb = try NotebookHarness.run("04-bring-your-own-dump", needsAssets: false)
        defer { try? FileManager.default.removeItem(at: nb.out) }

        // Section 4: the file's layout, then the store.
        let file = nb.stdout(of: "sinkscope inspect {{dump}}")
        XCTAssertTrue(file.contains("hidden_states") && file.contains("[4, 4, 17, 32]"), file)
        XCTAssertTrue(file.contains("attentions") && file.contains("[3, 4, 2, 17, 17]"), file)
        let store = nb.stdout(of: "sinkscope inspect {{store}}")
        XCTAssertTrue(store.contains("layers: 0, 1, 2, 3"), store)
        XCTAssertTrue(store.contains("received attention: 1, 2, 3"), store)
        XCTAssertTrue(store.contains("red_square"), store)

        // Section 5: both methods find one sink per image at layers 2 and 3, none before, dim 7 on top.
        for method in ["--method norm --tau auto", "--method attention"] {
            let rows = DetectTable(nb.stdout(of: method))
            XCTAssertEqual(rows.sinksPerImage(layer: 2), "1", method)
            XCTAssertEqual(rows.sinksPerImage(layer: 3), "1", method)
            XCTAssertEqual(rows.sinksPerImage(layer: 1), "0", method)
            XCTAssertTrue(rows.row(layer: 2)?.last?.hasPrefix("7(") ?? false, "dimension 7 ranks first: \(rows.row(layer: 2) ?? [])")
        }
        XCTAssertEqual(DetectTable(nb.stdout(of: "--method norm --tau auto")).row(layer: 0)?[1], "none")

        // Section 6: the report and its figures.
        if !nb.commands(containing: "sinkscope report").isEmpty {
            XCTAssertTrue(FileManager.default.fileExists(atPath: nb.url("report/index.html").path))
            let figures = nb.figures.filter { $0.hasPrefix("report/") }
            XCTAssertFalse(figures.isEmpty)
            for figure in figures { nb.assertPNG(figure) }
        }

        // Section 7: the MiniLM stand-in — the [CLS] "ViT sinks" take 53-60% of layers 2-5's
        // attention, 17-22x an ordinary token, and light up LLM dimension 99.
        let pathway = nb.stdout(of: "sinkscope pathway --store")
        let rows = pathway.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .filter { $0.count == 7 && Int($0[0]) != nil }
        XCTAssertEqual(rows.map { Int($0[0])! }, [1, 2, 3, 4, 5, 6], pathway)
        for row in rows where (2...5).contains(Int(row[0])!) {
            XCTAssertTrue((53.0...60.0).contains(Double(row[2]) ?? 0), "ViT sink share at layer \(row[0]): \(row[2])")
            XCTAssertTrue((17.0...22.5).contains(Double(row[4]) ?? 0), "ratio at layer \(row[0]): \(row[4])")
        }
        XCTAssertTrue(pathway.contains("ViT sinks (massive abs=5 include_prefix=false ratio=100): 6 (1.00 per image"), pathway)
        XCTAssertTrue(pathway.contains("LLM sink dimensions: propagated ViT sinks 99;"), pathway)
        let order = nb.stdout(of: "sinkscope inspect {{out}}/minilm-order.safetensors")
        XCTAssertTrue(order.contains("order.permutation") && order.contains("[6, 16]"), order)
        let pathwayFigures = nb.figures.filter { $0.hasPrefix("minilm-pathway/") }
        XCTAssertFalse(pathwayFigures.isEmpty)
        for figure in pathwayFigures { nb.assertPNG(figure) }
    }
}

/// The per-layer table `sinkscope detect` prints: one row per layer, whitespace-separated
/// (layer, threshold, sinks/img, min, max, norm×, attn×, CLS norm×, CLS attn×, CLS sink, CLS meets, dims).
struct DetectTable {
    let rows: [[String]]

    init(_ text: String) {
        rows = text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
            .filter { ($0.first.flatMap { Int($0) }) != nil }
    }

    var layers: [Int] { rows.compactMap { Int($0[0]) } }
    func row(layer: Int) -> [String]? { rows.first { Int($0[0]) == layer } }
    func sinksPerImage(layer: Int) -> String? { row(layer: layer).flatMap { $0.count > 2 ? $0[2] : nil } }
    func column(_ index: Int) -> [String] { rows.map { $0.count > index ? $0[index] : "" } }
}
