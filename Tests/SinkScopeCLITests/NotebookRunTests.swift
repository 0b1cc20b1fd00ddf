import Foundation
import TestSupport
import XCTest

/// Runs every notebook of `Notebooks-md/` through the built binary on a small image count and
/// checks that its outputs hold the numbers and figures its text talks about.
final class NotebookRunTests: XCTestCase {
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
