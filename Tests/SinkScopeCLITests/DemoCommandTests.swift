import Foundation
import ReportKit
@testable import Workflow
import TestSupport
import XCTest

/// `sinkscope demo` end to end on a few photos and scenes with the real model: the page, the four
/// default suites' results, and the ten printed sentences, whose probe headlines are re-derived
/// here from the suite's results.json.
final class DemoCommandTests: XCTestCase {
    func testDemoRunsTheWholePipelineAndItsSentencesFollowTheResults() throws {
        guard CLI.optimizedBinary != nil else {
            throw XCTSkip("the demo runs the probe suites; scripts/test.sh sets SINKSCOPE_BINARY to the release build")
        }
        let photos = Fixtures.cache.appendingPathComponent("photos")
        guard FileManager.default.fileExists(atPath: photos.path) else { throw XCTSkip("run scripts/setup.sh for the model and photos") }
        let out = temporaryDirectory("demo")
        defer { try? FileManager.default.removeItem(at: out) }
        let probes = Fixtures.repositoryRoot.appendingPathComponent("Probes").path
        let result = try CLI.run(["demo", "--images", "3", "--synth", "40", "--out", out.path, "--probes", probes, "--quiet"])
        XCTAssertEqual(result.status, 0, result.stderr.suffix(2000).description)

        // Ten numbered sentences after the page's path.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines.first?.hasPrefix("Demo page: ") ?? false, result.stdout)
        XCTAssertEqual(lines.dropFirst().map { $0.prefix(while: { $0 != "." }) }, (1...10).map { Substring("\($0)") })

        // The page and what it links to; nothing loads from the network.
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertFalse(html.contains("http://") || html.contains("https://"))
        for suite in ["global-vs-local", "position", "layer-sweep", "controls"] {
            XCTAssertTrue(html.contains("probes/\(suite)/results.csv"), suite)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("photos-report/index.html").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("synth-report/index.html").path))

        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let findings = try decoder.decode(DemoFindings.self, from: Data(contentsOf: out.appendingPathComponent("findings.json")))
        XCTAssertEqual(findings.photos, 3)
        XCTAssertEqual(findings.synth, 40)
        XCTAssertEqual(findings.missingSuites, [])

        // Every suite ran; controls only at three layers (first block, middle, last).
        let gvl = try SuiteRows(out.appendingPathComponent("probes/global-vs-local/results.json"))
        XCTAssertEqual(Set(gvl.rows.map(\.layer)), Set(0...12))
        XCTAssertEqual(Set(try SuiteRows(out.appendingPathComponent("probes/position/results.json")).rows.map(\.layer)), Set(0...12))
        XCTAssertEqual(Set(try SuiteRows(out.appendingPathComponent("probes/layer-sweep/results.json")).rows.map(\.layer)), Set(0...12))
        XCTAssertEqual(Set(try SuiteRows(out.appendingPathComponent("probes/controls/results.json")).rows.map(\.layer)), [1, 6, 12])

        // The headlines: the best logistic score for the target among groups found in at least 80%
        // of the images, recomputed from results.json.
        XCTAssertEqual(findings.probes.map(\.target), ["texture", "quadrant"])
        for (headline, sentence) in zip(findings.probes, [lines[8], lines[9]]) {
            let scored = gvl.rows.filter { $0.target == headline.target && $0.probe == "logistic" && $0.score != nil && $0.n > 0 }
            let most = (scored.map(\.n).max() ?? 0) * 4 / 5
            let best = scored.filter { $0.n >= most }.compactMap(\.score).max()
            XCTAssertEqual(headline.bestScore, best ?? .nan, accuracy: 1e-12, headline.target)
            XCTAssertEqual(gvl.row(layer: headline.layer, group: headline.bestGroup, target: headline.target)?.score ?? .nan,
                           headline.bestScore, accuracy: 1e-12)
            XCTAssertTrue(sentence.contains(String(format: "%.2f", headline.bestScore)) && sentence.contains("layer \(headline.layer)"), sentence)
        }
    }
}
