import ActivationStore
import Foundation
import LinearAlgebra
import XCTest
import TestSupport
@testable import SinkAnalysis

/// Suites end to end on the planted store of `SuiteStoreFixture` (40 synth images, layers 0–2).
final class SuiteRunTests: XCTestCase {
    nonisolated(unsafe) static var directory: URL!
    nonisolated(unsafe) static var storeURL: URL!
    /// The suite below run once on the store, shared by the tests that only read it.
    nonisolated(unsafe) static var shared: SuiteReport!

    override class func setUp() {
        directory = temporaryDirectory("suite-run")
        storeURL = try! SuiteStoreFixture.make(in: directory)
    }

    func sharedReport() throws -> SuiteReport {
        if Self.shared == nil { Self.shared = try runSuite() }
        return Self.shared
    }

    /// Results compared through their JSON, where an unscored row's NaN equals itself.
    func same(_ a: [SuiteRow], _ b: [SuiteRow]) throws -> Bool {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(a.map(\.result)) == encoder.encode(b.map(\.result))
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    static let suiteText = """
        name: planted
        seed: 3
        folds: 4
        bootstrap: 200
        groups:
          cls: {}
          patches: {}
          sinks: {kind: sinks, method: attention, m: 5}
          sink_tokens: {kind: sinks, method: attention, m: 5, reduce: tokens}
          ordinary: {kind: random, matched: sink_tokens, reduce: tokens}
          highnorm: {kind: sinks, method: norm, tau: auto}
        targets:
          texture: {kind: label, tag: global}
          palette: {kind: label, tag: global}
          quadrant: {kind: label, tag: local}
          row: {kind: position, axis: row}
          color: {kind: patch_color}
          texture_control: {kind: control, of: texture}
        probes:
          logistic: {c: 1.0, max_iter: 100}
          ridge: {alpha: 1.0}
          pca: {components: 3}
        """

    /// The sink groups of `suiteText` only, for the tests that run a suite several times.
    static let sinkSuiteText = """
        name: planted-sinks
        seed: 3
        folds: 4
        bootstrap: 100
        groups:
          sinks: {kind: sinks, method: attention, m: 5}
          sink_tokens: {kind: sinks, method: attention, m: 5, reduce: tokens}
          ordinary: {kind: random, matched: sink_tokens, reduce: tokens}
        targets:
          texture: {kind: label}
          row: {kind: position, axis: row}
          color: {kind: patch_color}
        probes:
          logistic: {}
          ridge: {}
        """

    func runSuite(_ text: String = suiteText, store: StoreReader? = nil, workers: Int = 2) throws -> SuiteReport {
        let reader = try store ?? StoreReader(url: Self.storeURL)
        let document = try SuiteDocument(yaml: text, source: "planted.yaml")
        return try SuiteRun.run(try ResolvedSuite(document, store: reader), store: reader, workers: workers, progress: false)
    }

    func row(_ report: SuiteReport, _ layer: Int, _ group: String, _ target: String, _ probe: String = "logistic",
             file: StaticString = #filePath, line: UInt = #line) throws -> SuiteRow {
        try XCTUnwrap(report.rows.first { $0.layer == layer && $0.group == group && $0.target == target && $0.probe == probe },
                      "no row \(layer) \(group) \(target) \(probe)", file: file, line: line)
    }

    // MARK: - Acceptance: the same numbers as the engine called directly

    /// Each suite row equals `ProbeRun.run` of its spec, and a row recomputed from the engine's
    /// parts (gather, stratified folds, standardiser, L-BFGS logistic, bootstrap, control task).
    /// Same settings includes the BLAS thread count: suites run BLAS single-threaded, and OpenBLAS
    /// splits some sums (ssyrk) differently over more threads, which moves the last bits.
    func testRowsEqualTheEngineCalledDirectly() throws {
        let threads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(threads) }
        let store = try StoreReader(url: Self.storeURL)
        let report = try sharedReport()
        for (layer, group, target, probe) in [(1, "cls", "texture", "logistic"), (2, "patches", "quadrant", "logistic"),
                                              (1, "ordinary", "row", "logistic"), (2, "ordinary", "color", "ridge"),
                                              (0, "patches", "-", "pca"), (1, "cls", "texture_control", "logistic")] {
            let r = try row(report, layer, group, target, probe)
            XCTAssertEqual(r.spec.layers, .list([layer]))
            // `ordinary` depends on the in-memory attention mask; the single probe reads masks from the
            // store, so write them there first (below). The other groups need no mask.
            if group == "ordinary" { continue }
            let direct = try ProbeRun.run(r.spec, store: store, showProgress: false).results[0]
            XCTAssertEqual(r.result, direct, "\(layer) \(group) \(target) \(probe)")
        }

        // By hand: cls × texture at layer 1.
        let r = try row(report, 1, "cls", "texture")
        let samples = try ProbeSamples.gather(from: store, layer: 1, group: .cls, reduce: .mean, images: Array(0..<40), seed: 3)
        let names = Array(Set(store.images.map { $0.labels["texture"]! })).sorted()
        let y = samples.image.map { names.firstIndex(of: store.images[$0].labels["texture"]!)! }
        let score = try CrossValidatedProbe.classification(
            x: samples.x, y: y, classes: names.count, groups: samples.image, probe: LogisticProbe(c: 1, maxIterations: 100),
            folds: 4, seed: 3, standardize: true, bootstrap: Bootstrap(resamples: 200, seed: 3))
        XCTAssertEqual(r.result.score, score.score)
        XCTAssertEqual(r.result.ciLower, score.interval?.lower)
        XCTAssertEqual(r.result.ciUpper, score.interval?.upper)
        let control = try CrossValidatedProbe.classification(
            x: samples.x, y: try ControlTask.targets(y, types: samples.image, seed: 3 ^ 0x5EED_C0DE), classes: names.count,
            groups: samples.image, probe: LogisticProbe(c: 1, maxIterations: 100), folds: 4, seed: 3, standardize: true, bootstrap: nil)
        XCTAssertEqual(r.result.controlScore, control.score)
        XCTAssertEqual(r.result.selectivity, score.score - control.score)
        XCTAssertEqual(r.result.n, 40)
    }

    /// In-memory detection gives the masks `sinkscope detect` writes: after writing them, the suite
    /// reads them from the store and every number stays the same, and the single probe on the
    /// store's masks reproduces the rows of the sink groups.
    func testInMemoryDetectionEqualsStoredMasks() throws {
        let threads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(threads) }
        let copy = Self.directory.appendingPathComponent("store-with-masks")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: Self.storeURL, to: copy)
        let store = try StoreReader(url: copy)
        let before = try runSuite(Self.sinkSuiteText, store: store)
        XCTAssertEqual(Set(before.detection.map(\.source)), ["memory"])
        _ = try SinkDetection.run(store: store, detector: ReceivedAttentionThreshold(m: 5), rankDimensions: false, progress: false)
        let after = try runSuite(Self.sinkSuiteText, store: try StoreReader(url: copy))
        XCTAssertEqual(Set(after.detection.filter { $0.mask == "attention(m=5)" && $0.layer > 0 }.map(\.source)), ["store"])
        XCTAssertTrue(try same(after.rows, before.rows))

        for (layer, group, target, probe) in [(1, "sinks", "texture", "logistic"), (2, "ordinary", "row", "logistic"),
                                              (1, "sink_tokens", "color", "ridge")] {
            let r = try row(after, layer, group, target, probe)
            var spec = r.spec
            spec.group = r.spec.group == .matched("attention(m=5)") ? .matched("attention") : .sinks("attention")
            let direct = try ProbeRun.run(spec, store: try StoreReader(url: copy), showProgress: false).results[0]
            XCTAssertEqual(r.result.score, direct.score, "\(group) \(target)")
            XCTAssertEqual(r.result.ciLower, direct.ciLower)
            XCTAssertEqual(r.result.controlScore, direct.controlScore)
            XCTAssertEqual(r.result.n, direct.n)
        }
    }

    /// Also with another number of worker threads: rows do not depend on where they ran.
    func testSameSuiteStoreAndSeedGiveTheSameNumbers() throws {
        let a = try sharedReport(), b = try runSuite(workers: 1)
        XCTAssertTrue(try same(a.rows, b.rows))
        let seed3 = try runSuite(Self.sinkSuiteText), seed4 = try runSuite(Self.sinkSuiteText.replacingOccurrences(of: "seed: 3", with: "seed: 4"))
        XCTAssertNotEqual(seed3.rows.map(\.result.ciLower), seed4.rows.map(\.result.ciLower), "another seed, other folds and resamples")
    }

    // MARK: - The planted answers

    func testPlantedStructureIsFound() throws {
        let report = try sharedReport()
        XCTAssertGreaterThan(try row(report, 0, "cls", "texture").result.score, 0.9)
        XCTAssertGreaterThan(try row(report, 1, "sinks", "texture").result.score, 0.9, "sinks carry the global label")
        XCTAssertLessThan(try row(report, 1, "sinks", "quadrant").result.score, 0.6, "and no local one")
        let sinkRow = try row(report, 1, "sink_tokens", "row").result, ordinaryRow = try row(report, 1, "ordinary", "row").result
        XCTAssertEqual(sinkRow.n, 40); XCTAssertEqual(ordinaryRow.n, 40)
        XCTAssertGreaterThan(ordinaryRow.score, 0.8, "ordinary tokens know their row")
        XCTAssertLessThan(sinkRow.score, 0.5, "sinks lost it (Darcet et al.)")
        XCTAssertGreaterThan(try row(report, 2, "ordinary", "color", "ridge").result.score, 0.6)
        XCTAssertLessThan(try row(report, 2, "sink_tokens", "color", "ridge").result.score, 0.3)
        let control = try row(report, 1, "cls", "texture_control").result
        XCTAssertLessThan(control.score, 0.6)
        XCTAssertNil(control.controlScore, "a control target has no control of its own")
        let pca = try row(report, 2, "patches", "-", "pca").result
        XCTAssertEqual(pca.explainedVarianceRatio?.count, 3)
    }

    /// Layer 0 has no attention and no high-norm token: those groups give rows with n = 0 and a
    /// note rather than an error; the detection table says why.
    func testEmptyGroupsGiveRowsWithANote() throws {
        let report = try sharedReport()
        let empty = try row(report, 0, "sinks", "texture").result
        XCTAssertEqual(empty.n, 0)
        XCTAssertTrue(empty.score.isNaN)
        XCTAssertTrue(empty.notes.first?.contains("selected no tokens") ?? false, "\(empty.notes)")
        let noAttention = try XCTUnwrap(report.detection.first { $0.layer == 0 && $0.mask == "attention(m=5)" })
        XCTAssertEqual(noAttention.sinks, 0)
        XCTAssertTrue(noAttention.notes.first?.contains("no received attention") ?? false)
        XCTAssertEqual(try XCTUnwrap(report.detection.first { $0.layer == 1 && $0.mask == "attention(m=5)" }).meanPerImage, 1)
        XCTAssertEqual(try row(report, 0, "highnorm", "-", "pca").result.n, 0)
    }

    // MARK: - Outputs

    func testResultsFilesAndTable() throws {
        let report = try sharedReport()
        let out = Self.directory.appendingPathComponent("out")
        try report.write(to: out)
        let decoded = try SuiteReport.read(from: out.appendingPathComponent("results.json"))
        XCTAssertEqual(decoded.rows.count, report.rows.count)
        XCTAssertEqual(decoded.rows.map(\.spec), report.rows.map(\.spec))
        XCTAssertEqual(decoded.skipped, report.skipped)
        let csv = try String(contentsOf: out.appendingPathComponent("results.csv"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(csv.count, report.rows.count + 1)
        XCTAssertTrue(csv[0].hasPrefix("layer,group,target,probe,tag,group_spec,reduce,target_spec,probe_kind,metric,score,ci_lower,ci_upper,control_score,selectivity,p_value,n,images"))
        XCTAssertTrue(csv.contains { $0.hasPrefix("1,sinks,texture,logistic,global,sinks:attention(m=5),mean,label:texture,logistic,accuracy,") })
        // Per layer: 6 groups × (3 labels + control) logistic, 2 token groups × (row + colour), 6 PCA.
        XCTAssertEqual(report.rows.count, 3 * (6 * 4 + 2 * 2 + 6))

        let table = report.table()
        XCTAssertTrue(table.contains("logistic · texture [global]: accuracy (* best group of the layer)"), table)
        XCTAssertTrue(table.contains("logistic · mean over the 2 [global] targets"), table)
        XCTAssertTrue(table.contains("attention(m=5)"), table)
        XCTAssertTrue(table.contains("*"))
    }
}
