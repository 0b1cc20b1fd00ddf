import Foundation
import SinkAnalysis
import TestSupport
import XCTest

/// Notebook 06 (what sinks do) run with its defaults through the built binary: every number its
/// text quotes is recomputed here from the run's effects.json, probe results and neuron ranking.
final class NotebookWhatSinksDoTests: XCTestCase {
    /// "about 0.93" in the text: the value rounds to it (2 decimals unless said otherwise).
    private func assertQuoted(_ value: Double?, _ quoted: Double, decimals: Int = 2, _ what: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        guard let value else { return XCTFail("\(what): no value", file: file, line: line) }
        let scale = pow(10, Double(decimals))
        XCTAssertEqual((value * scale).rounded() / scale, quoted, accuracy: 1e-9, "\(what): \(value)", file: file, line: line)
    }

    func testNotebook06QuotesTheNumbersItsRunMakes() throws {
        let nb = try NotebookHarness.run("06-what-sinks-do")
        defer { try? FileManager.default.removeItem(at: nb.out) }

        // Section 1: CLS is the attention sink of the clean run at layers 1–11.
        let detect = DetectTable(nb.stdout(of: "sinkscope detect"))
        XCTAssertEqual(detect.layers, Array(1...12))
        XCTAssertEqual(Array(detect.column(9).prefix(11)), Array(repeating: "yes", count: 11), "CLS sink at 1–11")

        // Section 2: knockout.
        let knockout = try XCTUnwrap(try InterventionEffects.read(store: nb.url("cls-knockout")))
        XCTAssertEqual(knockout.at, Array(1...12))
        let freed = knockout.layers.filter { $0.attention != nil }
        let peak = try XCTUnwrap(freed.max { ($0.attention?.freed ?? 0) < ($1.attention?.freed ?? 0) })
        XCTAssertEqual(peak.layer, 8)
        let shift = try XCTUnwrap(peak.attention)
        assertQuoted(shift.selected.clean, 56.7, decimals: 1, "CLS received at layer 8")
        XCTAssertLessThan(shift.selected.intervened, 1)
        assertQuoted(shift.toOtherSinks, 0.33, "share to other sinks at layer 8")
        assertQuoted(shift.toOrdinaryPatches, 0.67, "share to ordinary patches at layer 8")
        for l in 2...5 { assertQuoted(knockout.layers[l].attention?.toOrdinaryPatches, 1, "layer \(l) all to ordinary patches") }
        let worst = try XCTUnwrap(knockout.layers.min { $0.otherPatchesCosine < $1.otherPatchesCosine })
        XCTAssertEqual(worst.layer, 11)
        assertQuoted(worst.otherPatchesCosine, 0.90, "knockout: worst patch cosine")
        assertQuoted(knockout.final.pooledCosine, 0.93, "knockout: final pooled cosine")
        // The findings printed under intervene's table are the file's own sentences.
        let printed = nb.stdout(of: "--do knockout")
        for sentence in knockout.findings { XCTAssertTrue(printed.contains(sentence), sentence) }

        // Section 3: zero.
        let zeroed = try XCTUnwrap(try InterventionEffects.read(store: nb.url("cls-zero")))
        let zeroWorst = try XCTUnwrap(zeroed.layers.min { $0.otherPatchesCosine < $1.otherPatchesCosine })
        XCTAssertEqual(zeroWorst.layer, 11)
        assertQuoted(zeroWorst.otherPatchesCosine, 0.94, "zero: worst patch cosine")
        assertQuoted(zeroed.final.pooledCosine, 0.98, "zero: final pooled cosine")
        XCTAssertGreaterThan(zeroWorst.otherPatchesCosine, worst.otherPatchesCosine, "zeroing costs the patches less than the knockout")
        assertQuoted(zeroed.layers[8].attention?.selected.intervened, 14.2, decimals: 1, "zeroed CLS still received at layer 8")
        XCTAssertLessThan(abs(zeroed.layers[12].clsCosine ?? 1), 0.1, "zeroed CLS cosine near 0")

        // Section 4: both comparison pages have the clean-vs-intervened section and its heatmaps.
        for page in ["compare-knockout", "compare-zero"] {
            let html = try String(contentsOf: nb.url("\(page)/index.html"), encoding: .utf8)
            XCTAssertTrue(html.contains("id=\"intervention\""), page)
            for side in ["clean", "intervened"] {
                for name in ["effects-00-l01-attn-\(side)", "effects-00-l12-norm-\(side)", "effects-cosines"] {
                    nb.assertPNG("\(page)/figures/\(name).png")
                }
            }
        }

        // Section 5: position probe R² at layers 6 and 12.
        func scores(_ dir: String) throws -> [Int: (score: Double, lower: Double, upper: Double)] {
            let json = try XCTUnwrap(try nb.json("\(dir)/results.json") as? [String: Any])
            let rows = try XCTUnwrap(json["results"] as? [[String: Any]])
            var out: [Int: (Double, Double, Double)] = [:]
            for r in rows {
                if let l = r["layer"] as? Int, let s = r["score"] as? Double, let lo = r["ci_lower"] as? Double, let hi = r["ci_upper"] as? Double {
                    out[l] = (s, lo, hi)
                }
            }
            return out
        }
        let clean = try scores("probe-clean"), ko = try scores("probe-knockout"), zero = try scores("probe-zero")
        assertQuoted(clean[6]?.score, 0.94, "clean R² layer 6")
        assertQuoted(ko[6]?.score, 0.92, "knockout R² layer 6")
        assertQuoted(zero[6]?.score, 0.90, "zero R² layer 6")
        let cleanLower = try XCTUnwrap(clean[6]?.lower)
        XCTAssertLessThan(try XCTUnwrap(ko[6]?.score), cleanLower, "outside the clean interval")
        XCTAssertLessThan(try XCTUnwrap(zero[6]?.score), cleanLower, "outside the clean interval")
        assertQuoted(clean[12]?.score, 0.26, "clean R² layer 12")
        XCTAssertLessThan(try XCTUnwrap(clean[12]?.lower), 0, "the layer-12 interval reaches below 0")
        for (name, s) in [("knockout", ko[12]?.score), ("zero", zero[12]?.score)] {
            XCTAssertLessThan(abs(try XCTUnwrap(s)), 0.1, "\(name) R² layer 12 about 0")
        }
        for (name, s) in [("knockout", ko[12]), ("zero", zero[12])] {
            let upper = try XCTUnwrap(s?.upper)
            XCTAssertGreaterThan(upper, try XCTUnwrap(clean[12]?.lower), "\(name): layer-12 change inside the intervals")
        }

        // Section 6: the neuron ranking (layer, neuron, outlier mean, other mean, score).
        let rows = nb.stdout(of: "sinkscope neurons").split(separator: "\n").map { $0.split(separator: " ") }
            .filter { $0.count == 5 && Int($0[0]) != nil }
        XCTAssertEqual(rows.count, 10)
        XCTAssertTrue(rows.allSatisfy { ["1", "2"].contains(String($0[0])) }, "the ten best sit in blocks 1–2")
        let top = try XCTUnwrap(Double(rows[0][4])), tenth = try XCTUnwrap(Double(rows[9][4]))
        assertQuoted(top, 1.19, "best neuron score")
        assertQuoted(tenth, 0.82, "tenth neuron score")
        assertQuoted(top / tenth, 1.46, "best ÷ tenth")
    }
}
