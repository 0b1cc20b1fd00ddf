import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// `sinkscope probe` in-process on a store whose CLS token encodes a 2-class label.
final class ProbeCommandTests: XCTestCase {
    /// 20 images, CLS + 2×2 patches, D = 6, layers 0 and 1; at layer 1 CLS dim (label) is +4.
    func makeStore() throws -> URL {
        try TinyLabelStore.make(in: self, name: "probe-cli", seed: 5)
    }

    func probe(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(["probe"] + arguments)
        guard let probe = command as? ProbeCommand else { XCTFail("parsed \(type(of: command))"); return "" }
        return try probe.output()
    }

    func testWritesResultsWithALayerColumn() throws {
        let store = try makeStore()
        let out = temporaryDirectory("probe-cli-out")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        let text = try probe(["--store", store.path, "--layers", "all", "--group", "cls", "--target", "label:kind",
                              "--probe", "logistic", "--folds", "5", "--seed", "0", "--bootstrap", "200", "--out", out.path])
        XCTAssertTrue(text.contains("logistic probe, group cls"), text)
        let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, 3)
        XCTAssertTrue(csv[0].hasPrefix("layer,"))
        let report = try JSONDecoder().decode(ProbeRunReport.self, from: Data(contentsOf: out.appendingPathComponent("results.json")))
        XCTAssertEqual(report.results.map(\.layer), [0, 1])
        XCTAssertEqual(report.results[1].score, 1, accuracy: 1e-12)
        XCTAssertNotNil(report.results[1].selectivity)
    }

    func testPCAAndJSON() throws {
        let store = try makeStore()
        let out = temporaryDirectory("probe-cli-pca")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        let text = try probe(["--store", store.path, "--layers", "1", "--group", "patches", "--probe", "pca",
                              "--components", "3", "--out", out.path, "--json"])
        let report = try JSONDecoder().decode(ProbeRunReport.self, from: Data(text.utf8))
        XCTAssertEqual(report.results.first?.explainedVarianceRatio?.count, 3)
    }

    func testBadFlagsAreOneSentence() throws {
        let store = try makeStore()
        let base = ["--store", store.path, "--out", "/tmp/unused-probe-out"]
        XCTAssertThrowsError(try probe(base + ["--group", "sinks", "--probe", "pca"])) { error in
            XCTAssertEqual(CLI.message(error), "--group 'sinks' must be one of \(TokenGroup.grammar).")
        }
        XCTAssertThrowsError(try probe(base + ["--group", "cls", "--probe", "ridge"])) { error in
            XCTAssertEqual(CLI.message(error), "target=none must be given for a ridge probe (\(ProbeTarget.grammar)).")
        }
        XCTAssertThrowsError(try probe(base + ["--group", "cls", "--probe", "logistic", "--target", "label:kind", "--folds", "30"])) { error in
            XCTAssertEqual(CLI.message(error), "30-fold cross-validation needs at least 30 samples but got 20; lower --folds or add images.")
        }
    }
}
