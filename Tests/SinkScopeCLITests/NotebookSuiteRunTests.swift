import Foundation
import SinkAnalysis
import TestSupport
import XCTest

/// Notebooks 02 and 03 run the default probe suites and comparisons on synthetic scenes through
/// the real DINOv2-S; these tests run them on a small image count and check the numbers and
/// figures the notebooks' text reads.
final class NotebookSuiteRunTests: XCTestCase {
    /// The suites refit thousands of probes; on the debug binary that takes ~30x longer.
    override func setUpWithError() throws {
        guard CLI.optimizedBinary != nil else {
            throw XCTSkip("notebooks 02 and 03 run with an optimised binary: scripts/test.sh sets SINKSCOPE_BINARY to the release build")
        }
    }

    // MARK: - 02 · what sinks know

    func testNotebook02ProbesGlobalLocalPositionAndControls() throws {
        let nb = try NotebookHarness.run("02-what-sinks-know", variables: ["images": "40"])
        defer { try? FileManager.default.removeItem(at: nb.out) }

        // Sections 1-2: 40 labelled scenes, every layer extracted; the figures shown are the scenes.
        XCTAssertTrue(nb.stdout(of: "sinkscope synth").contains("wrote 40 images"))
        XCTAssertTrue(nb.stdout(of: "sinkscope extract").contains("extracted 40 images"))
        for figure in nb.figures.filter({ $0.hasPrefix("synth/") }).prefix(4) { XCTAssertEqual(nb.assertPNG(figure)?.0, 224) }
        let calibrated = DetectTable(nb.stdout(of: "--method norm --tau auto"))
        XCTAssertEqual(calibrated.layers, Array(0...12))
        XCTAssertEqual(DetectTable(nb.stdout(of: "--method attention")).layers, Array(1...12))

        // Section 3: a row per layer × group × target; intervals hold their score; selectivity is
        // score − control score; the norm group is empty exactly where calibration found no mode.
        let gvl = try SuiteRows(nb.url("global-vs-local/results.json"))
        let groups = ["cls", "patches", "sinks_attention", "sinks_topk", "sinks_norm", "nonsinks", "random_attention", "random_topk"]
        let targets = ["texture", "orientation", "palette", "layout", "count", "quadrant", "object_color", "object_shape"]
        XCTAssertEqual(Set(gvl.rows.map(\.layer)), Set(0...12))
        XCTAssertEqual(Set(gvl.rows.map(\.group)), Set(groups))
        XCTAssertEqual(Set(gvl.rows.map(\.target)), Set(targets))
        XCTAssertEqual(gvl.rows.count, 13 * groups.count * targets.count)
        for row in gvl.rows where row.n > 0 {
            // A group found in fewer images than folds (attention sinks at some layers) has no
            // score, and says why.
            guard row.score != nil || row.n >= 40 else { XCTAssertFalse(row.notes.isEmpty, "\(row)"); continue }
            guard let score = row.score, let lo = row.ciLower, let hi = row.ciUpper, let control = row.control else {
                XCTFail("\(row) lacks a score, interval or control score"); continue
            }
            XCTAssertTrue(lo <= score + 1e-12 && score <= hi + 1e-12 && lo >= 0 && hi <= 1, "\(row)")
            XCTAssertEqual(row.selectivity ?? .nan, score - control, accuracy: 1e-9, "\(row)")
        }
        for (layer, threshold) in zip(calibrated.layers, calibrated.column(1)) {
            let norm = gvl.rows.filter { $0.layer == layer && $0.group == "sinks_norm" }
            XCTAssertEqual(norm.allSatisfy { $0.n == 0 }, threshold == "none", "layer \(layer): threshold \(threshold)")
        }
        // The scenes' palette is in every patch's pixels and the texture in most: the mean of the
        // patches reads them far above chance (0.25), and far above its own control task.
        let palette = gvl.best(target: "palette", group: "patches")
        XCTAssertGreaterThanOrEqual(palette?.score ?? 0, 0.9, "\(String(describing: palette))")
        XCTAssertGreaterThan(palette?.selectivity ?? 0, 0.4)
        XCTAssertGreaterThanOrEqual(gvl.best(target: "texture", group: "patches")?.score ?? 0, 0.7)

        // Section 4: ordinary patch tokens know their grid row and column and their patch colour.
        let position = try SuiteRows(nb.url("position/results.json"))
        let row0 = position.row(layer: 0, group: "ordinary_topk", target: "row")
        XCTAssertGreaterThan(row0?.score ?? 0, 3.0 / 16, "row accuracy at layer 0 against chance 1/16: \(String(describing: row0))")
        XCTAssertGreaterThan(position.row(layer: 0, group: "ordinary_topk", target: "col")?.score ?? 0, 3.0 / 16)
        XCTAssertGreaterThan(position.row(layer: 0, group: "ordinary_topk", target: "color")?.score ?? 0, 0.9, "colour R² at layer 0")
        XCTAssertEqual(position.row(layer: 0, group: "sinks_topk", target: "row")?.n, 4 * 40, "4 tokens per image are samples")

        // Section 5: controls and permutation p-values; with 20 permutations the smallest p is 1/21.
        let controls = try SuiteRows(nb.url("controls/results.json"))
        XCTAssertEqual(Set(controls.rows.map(\.target)), ["texture", "texture_control", "quadrant", "quadrant_control"])
        for row in controls.rows where row.score != nil && !row.target.hasSuffix("_control") {
            guard let p = row.pValue else { XCTFail("no p-value: \(row)"); continue }
            XCTAssertTrue(p >= 1.0 / 21 - 1e-12 && p <= 1, "\(row)")
        }
        let texture = controls.best(target: "texture", group: "patches")
        XCTAssertEqual(texture?.pValue ?? 1, 1.0 / 21, accuracy: 1e-9, "the best texture probe beats all 20 shuffles")
        let textureControl = controls.row(layer: texture?.layer ?? -1, group: "patches", target: "texture_control")
        XCTAssertLessThan(textureControl?.score ?? 1, (texture?.score ?? 0) - 0.3, "a control task scores well below the real label")

        // Section 6: the report draws the probe curves; with top-k masks (k tokens at every layer)
        // its findings speak of persistence only, not of where sinks "first appear".
        let report = nb.stdout(of: "sinkscope report")
        XCTAssertTrue(report.contains("of a layer's top-k positions are still among the top k"), report)
        XCTAssertFalse(report.contains("first appear"), report)
        let probeFigures = nb.figures.filter { $0.hasPrefix("report/figures/probe-") }
        XCTAssertFalse(probeFigures.isEmpty)
        for figure in probeFigures { nb.assertPNG(figure) }
    }

    // MARK: - 03 · across layers

    func testNotebook03ComparesLayersPersistenceAndStores() throws {
        let nb = try NotebookHarness.run("03-across-layers", variables: ["images": "32"])
        defer { try? FileManager.default.removeItem(at: nb.out) }

        // Section 2: with CLS in the masks the attention method finds a sink in every image from
        // the layers where CLS is the top receiver; top-k always holds 4 patches.
        let attention = DetectTable(nb.stdout(of: "--method attention --include-prefix"))
        XCTAssertEqual(attention.layers, Array(1...12))
        for layer in attention.layers where attention.row(layer: layer)?[9] == "yes" && attention.row(layer: layer)?[10] == "1" {
            XCTAssertGreaterThanOrEqual(Double(attention.sinksPerImage(layer: layer) ?? "") ?? 0, 1, "layer \(layer)")
        }
        XCTAssertEqual(Set(DetectTable(nb.stdout(of: "--method topk --k 4")).column(2)), ["4"])

        // Section 3: CKA is a symmetric 13 × 13 matrix with a unit diagonal; neighbours are more
        // alike than the first and last layers.
        let single = try nb.json("compare/report.json") as? [String: Any]
        let store = (single?["stores"] as? [[String: Any]])?.first
        let cka = (store?["cka"] as? [[Double]]) ?? []
        XCTAssertEqual(cka.count, 13)
        for i in cka.indices {
            XCTAssertEqual(cka[i][i], 1, accuracy: 1e-9)
            for j in cka.indices {
                XCTAssertEqual(cka[i][j], cka[j][i], accuracy: 1e-9)
                XCTAssertTrue((-1e-9...1 + 1e-9).contains(cka[i][j]))
            }
        }
        if cka.count == 13 { XCTAssertGreaterThan(cka[5][6], cka[0][12] + 0.3) }
        // Persistence of the top-4 patches: far above the 4/256 chance level at every transition.
        let topk = try nb.json("compare-topk/report.json") as? [String: Any]
        let persistence = ((topk?["stores"] as? [[String: Any]])?.first?["persistence"] as? [String: Any]) ?? [:]
        XCTAssertEqual(persistence["method"] as? String, "topk")
        let shares = ((persistence["transitions"] as? [[String: Any]]) ?? []).compactMap { $0["share"] as? Double }
        XCTAssertEqual(shares.count, 12)
        for share in shares { XCTAssertGreaterThan(share, 3 * 4.0 / 256) }
        XCTAssertGreaterThan(shares.first ?? 0, 0.5, "the top-4 patches of layer 0 mostly stay on top at layer 1")

        // Section 4: f16 and f32 stores of the same images agree layer for layer.
        let crossStore = (try nb.json("compare-f16-f32/report.json") as? [String: Any])?["crossStore"] as? [String: Any]
        let sameLayer = (crossStore?["sameLayer"] as? [[String: Any]]) ?? []
        XCTAssertEqual(sameLayer.count, 13)
        for entry in sameLayer { XCTAssertGreaterThan(entry["cka"] as? Double ?? 0, 0.999, "\(entry)") }
        XCTAssertEqual(crossStore?["sharedImages"] as? Int, 32)

        // Section 5: a PCA spectrum per layer and group; CLS at layer 0 does not depend on the
        // image (class embedding + its position embedding), so it has no variance to explain.
        let sweep = try SuiteRows(nb.url("layer-sweep/results.json"))
        let pca = sweep.rows.filter { $0.probe == "pca" }
        XCTAssertEqual(Set(pca.map(\.layer)), Set(0...12))
        for row in pca { XCTAssertTrue((0...1 + 1e-9).contains(row.score ?? -1), "\(row)") }
        XCTAssertEqual(sweep.row(layer: 0, group: "cls", target: "-")?.score ?? 1, 0, accuracy: 1e-6)
        XCTAssertGreaterThan(sweep.row(layer: 6, group: "cls", target: "-")?.score ?? 0, 0.2)

        for figure in nb.figures where figure.hasPrefix("compare") { nb.assertPNG(figure) }
        XCTAssertTrue(nb.figures.contains("compare-f16-f32/figures/cka-cross.png"), "\(nb.figures)")
    }
}

/// The rows of a suite's `results.json`, flattened to what the notebook tests read.
struct SuiteRows {
    struct Row: CustomStringConvertible {
        let layer: Int, group: String, target: String, probe: String, n: Int, notes: [String]
        let score: Double?, ciLower: Double?, ciUpper: Double?, control: Double?, selectivity: Double?, pValue: Double?
        var description: String { "L\(layer) \(group) \(target) \(probe): n=\(n) score=\(score.map { "\($0)" } ?? "-") p=\(pValue.map { "\($0)" } ?? "-")" }
    }

    let rows: [Row]

    /// Reads the file with the library's own reader; a row that was not scored has a NaN score
    /// there and `nil` here.
    init(_ url: URL) throws {
        func finite(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }
        rows = try SuiteReport.read(from: url).rows.map { row in
            let r = row.result
            return Row(
                layer: row.layer, group: row.group, target: row.target, probe: row.probe, n: r.n, notes: r.notes,
                score: finite(r.score), ciLower: finite(r.ciLower), ciUpper: finite(r.ciUpper), control: finite(r.controlScore),
                selectivity: finite(r.selectivity), pValue: finite(r.pValue))
        }
    }

    func row(layer: Int, group: String, target: String) -> Row? {
        rows.first { $0.layer == layer && $0.group == group && $0.target == target }
    }

    /// The highest-scoring layer of `group` on `target`.
    func best(target: String, group: String) -> Row? {
        rows.filter { $0.target == target && $0.group == group && $0.n > 0 }.max { ($0.score ?? -1) < ($1.score ?? -1) }
    }
}
