import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// `sinkscope probe SUITE.yaml --store S --out DIR` in-process.
final class ProbeSuiteCommandTests: XCTestCase {
    /// 20 images, CLS + 2×2 patches, D = 6, layers 0 and 1; at layer 1 the CLS token carries the label.
    func makeStore() throws -> URL {
        try TinyLabelStore.make(in: self, name: "probe-suite-cli", seed: 8)
    }

    func write(_ yaml: String) throws -> URL {
        let directory = temporaryDirectory("probe-suite-file")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("suite.yaml")
        try Data(yaml.utf8).write(to: url)
        return url
    }

    static let suite = """
        name: tiny
        folds: 4
        bootstrap: 100
        groups:
          cls: {}
          patches: {}
        targets:
          kind: {kind: label, tag: global}
        probes:
          logistic: {}
          pca: {components: 2}
        """

    func command(_ arguments: [String]) throws -> ProbeCommand {
        let parsed = try SinkScopeCommand.parseAsRoot(["probe"] + arguments)
        return try XCTUnwrap(parsed as? ProbeCommand)
    }

    func testSuiteFileRunsAndWritesResults() throws {
        let store = try makeStore(), suite = try write(Self.suite)
        let out = temporaryDirectory("probe-suite-out")
        addTeardownBlock { try? FileManager.default.removeItem(at: out) }
        let text = try command([suite.path, "--store", store.path, "--out", out.path]).output()
        XCTAssertTrue(text.contains("logistic · kind [global]: accuracy"), text)
        XCTAssertTrue(text.hasSuffix("wrote \(out.appendingPathComponent("results.json").path) and results.csv"), text)
        let report = try SuiteReport.read(from: out.appendingPathComponent("results.json"))
        XCTAssertEqual(report.rows.count, 2 * (2 + 2))   // layers × groups × (logistic + pca)
        XCTAssertGreaterThan(try XCTUnwrap(report.rows.first { $0.layer == 1 && $0.group == "cls" && $0.probe == "logistic" }).result.score, 0.9)

        let narrowed = try command([suite.path, "--store", store.path, "--out", out.path, "--layers", "1", "--json"]).output()
        let decoded = try JSONSerialization.jsonObject(with: Data(narrowed.utf8)) as? [String: Any]
        XCTAssertEqual(decoded?["layers"] as? [Int], [1])
    }

    func testSingleProbeFlagsAreRefusedWithASuite() throws {
        let store = try makeStore(), suite = try write(Self.suite)
        XCTAssertThrowsError(try command([suite.path, "--store", store.path, "--out", "/tmp/x", "--group", "cls"])) { e in
            XCTAssertTrue(SinkScopeCommand.message(for: e).contains("--group describes a single probe"), SinkScopeCommand.message(for: e))
        }
        XCTAssertThrowsError(try command(["--store", store.path, "--out", "/tmp/x", "--target", "label:kind"])) { e in
            XCTAssertTrue(SinkScopeCommand.message(for: e).contains("--group and --probe"), SinkScopeCommand.message(for: e))
        }
    }

    func testABadSuiteNamesTheFieldAndLine() throws {
        let store = try makeStore()
        let suite = try write(Self.suite.replacingOccurrences(of: "kind: {kind: label, tag: global}", with: "kind: {kind: label, column: species}"))
        XCTAssertThrowsError(try command([suite.path, "--store", store.path, "--out", "/tmp/x"]).output()) { e in
            XCTAssertEqual("\(e)", "\(suite.path) line 8: targets.kind.column: the store has no label column 'species'; the store's label columns are kind.")
        }
    }
}
