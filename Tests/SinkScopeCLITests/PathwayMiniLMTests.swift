import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// End to end on real activations: the committed dump from all-MiniLM-L6-v2 standing in for an LVLM
/// (`scripts/make_lvlm_standin_dump.py`: its 16 word pieces play the visual tokens, its layer 5 the
/// ViT) goes through `import --lvlm` and `pathway`, and the numbers agree with numpy/scipy computing
/// the same definitions straight from the dump.
final class PathwayMiniLMTests: XCTestCase {
    static let dump = Fixtures.url("pathway/minilm_lvlm_dump.npz").path

    func run(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(arguments)
        switch command {
        case let c as ImportCommand: return try c.output()
        case let c as PathwayAnalyzeCommand: return try c.output()
        default: XCTFail("parsed \(type(of: command))"); return ""
        }
    }

    func testImportAndPathwayAgreeWithNumpy() throws {
        let dir = temporaryDirectory("pathway-minilm")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = dir.appendingPathComponent("store"), out = dir.appendingPathComponent("out")
        let imported = try run(["import", "--lvlm", Self.dump, "--out", store.path, "--quiet"])
        XCTAssertTrue(imported.contains("LLM: 6 blocks, received attention at layers 1,2,3,4,5,6 (from llm_attentions)"), imported)
        // MiniLM's activations are small (max |x| ≈ 10), so Sun et al.'s abs = 100 finds nothing; abs 5 / ratio 100 does.
        let text = try run(["pathway", "--store", store.path, "--out", out.path, "--method", "massive", "--abs", "5",
                            "--ratio", "100", "--llm-abs", "5", "--llm-ratio", "100", "--quiet"])
        XCTAssertTrue(text.contains("ViT sinks (massive abs=5 include_prefix=false ratio=100): 6 (1.00 per image"), text)
        XCTAssertTrue(text.contains("LLM sink dimensions: propagated ViT sinks 99; LLM-emerged sinks none"), text)
        let report = try PathwayReport.read(out.appendingPathComponent("pathway.json"))
        XCTAssertEqual(report.relevance.map(\.vitSinks), [[0], [0], [0], [0]], "the ViT sink is [CLS] (cell 0) in every sentence")
        XCTAssertEqual(report.dimensions.map { $0.propagationRate ?? -1 }, [1, 1, 1, 1, 1, 1, 0])

        try Python.require(["numpy", "scipy.stats"])
        let script = dir.appendingPathComponent("reference.py")
        try Self.reference.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try Python.run([script.path, Self.dump])
        XCTAssertEqual(status, 0, output)
        struct Reference: Decodable { let ratio: [Double]; let ordinary: [Double]; let spearman: [Double]; let sinks: Int }
        let ref = try JSONDecoder().decode(Reference.self, from: Data(output.utf8))
        XCTAssertEqual(ref.sinks, report.vitSinks.total)
        for (k, layer) in report.attention.enumerated() {
            XCTAssertEqual(layer.vitSinkRatio!, ref.ratio[k], accuracy: 1e-5 * ref.ratio[k], "layer \(layer.layer)")
            XCTAssertEqual(layer.ordinary.meanShare!, ref.ordinary[k], accuracy: 1e-6, "layer \(layer.layer)")
            XCTAssertEqual(layer.spearman!, ref.spearman[k], accuracy: 1e-6, "layer \(layer.layer)")
        }
    }

    /// The pathway definitions in numpy: ViT sinks = massive (|x| > 5 and > 100 × the token's median
    /// |x|) at the ViT layer; share = head-mean column sum over all 16 queries ÷ 16.
    static let reference = #"""
import json, sys
import numpy as np
from scipy.stats import spearmanr
d = np.load(sys.argv[1])
vit = d["vit_hidden"].astype(np.float64)                       # [n, P, D]
att = d["llm_attentions"].astype(np.float64)                   # [Lm, n, H, S, S]
mag = np.abs(vit)
sink = ((mag > 5) & (mag > 100 * np.median(mag, axis=-1, keepdims=True))).any(-1)   # [n, P]
norm = np.linalg.norm(vit.astype(np.float16).astype(np.float64), axis=-1)
share = att.mean(axis=2).sum(axis=2) / att.shape[-1]           # [Lm, n, S] (positions 0..15 are the visual tokens)
out = {"ratio": [], "ordinary": [], "spearman": [], "sinks": int(sink.sum())}
for l in range(att.shape[0]):
    s = share[l]
    out["ratio"].append(float(s[sink].mean() / s[~sink].mean()))
    out["ordinary"].append(float(s[~sink].mean()))
    out["spearman"].append(float(spearmanr(norm.ravel(), s.ravel()).statistic))
print(json.dumps(out))
"""#
}
