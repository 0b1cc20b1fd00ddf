import Foundation
import TestSupport
import XCTest
import Yams

@testable import SinkAnalysis

/// Deeply nested YAML is refused before Yams builds its (recursive) tree: thousands of levels of
/// `[[[[...` overflowed the stack in the YAML → value conversion (inputs in
/// Tests/Fuzz/Regressions/probe_suite). The scan bounds the depth from above: flow collections
/// exactly, block ones at up to two per indentation level.
final class YAMLNestingTests: XCTestCase {
    private func line(_ yaml: String) -> Int? { YAMLNesting.firstLineDeeperThanLimit(yaml) }
    private func brackets(_ n: Int) -> String { String(repeating: "[", count: n) + String(repeating: "]", count: n) }

    func testEverySuiteInProbesAndTheFullExampleAreShallow() throws {
        XCTAssertNil(line(""))
        XCTAssertNil(line(SuiteParserTests.full))
        let probes = Fixtures.repositoryRoot.appendingPathComponent("Probes")
        for file in try FileManager.default.contentsOfDirectory(atPath: probes.path) where file.hasSuffix(".yaml") {
            XCTAssertNil(line(try String(contentsOf: probes.appendingPathComponent(file), encoding: .utf8)), file)
        }
    }

    func testFlowCollectionsAreCountedOnTheLineTheyPassTheLimit() {
        XCTAssertNil(line("a: " + brackets(60)))
        XCTAssertEqual(line("a: " + brackets(64)), 1)
        XCTAssertEqual(line("x: 1\ny: {k: " + brackets(70) + "}"), 2)
        XCTAssertEqual(line("a: &anchor !!seq " + brackets(70)), 1)       // an anchor and a tag before the node
        XCTAssertEqual(line("a: [\n" + String(repeating: "[\n", count: 80)), 63)   // one flow collection across lines: 2 + 63 > 64
        // Many siblings are not depth.
        XCTAssertNil(line(String(repeating: "- [1, {a: [2]}]\n", count: 500)))
    }

    func testBlockCollectionsCountIndicatorsAndIndentation() {
        XCTAssertNil(line(String(repeating: "- ", count: 30) + "x"))
        XCTAssertEqual(line(String(repeating: "- ", count: 70) + "x"), 1)
        func keys(_ n: Int) -> String { (0..<n).map { String(repeating: " ", count: 2 * $0) + "k:" }.joined(separator: "\n") }
        XCTAssertNil(line(keys(20)))
        XCTAssertEqual(line(keys(40)), 33)    // line 33: 2 x 33 - 1 + its key = 66 > 64
    }

    func testBracketsInsideScalarsAndCommentsAreText() {
        XCTAssertNil(line("a: \"" + String(repeating: "[", count: 100) + "\"\nb: 1"))
        XCTAssertNil(line("a: '" + String(repeating: "[''", count: 100) + "'\nb: \"x\\\"" + String(repeating: "{", count: 80) + "\""))
        XCTAssertNil(line("a: b # " + String(repeating: "[", count: 100)))
        XCTAssertNil(line("a: it's [ok\nb: c[d " + String(repeating: "[", count: 100)))   // brackets inside plain text
        XCTAssertNil(line("a: |\n  " + String(repeating: "[", count: 100) + "\n\n  more\nb: 1"))
        XCTAssertEqual(line("a: >\n  text\nb: " + brackets(70)), 3)
    }

    func testDeeplyNestedSuitesGiveOneSentenceInsteadOfOverflowingTheStack() throws {
        let regressions = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fuzz/Regressions/probe_suite")
        for (name, line) in [("flow-nested-20000.yaml", 2), ("block-nested-5000.yaml", 1)] {
            let text = try String(contentsOf: regressions.appendingPathComponent(name), encoding: .utf8)
            XCTAssertThrowsError(try SuiteParser.parse(yaml: text, source: "deep.yaml"), name) {
                XCTAssertEqual("\($0)", "deep.yaml line \(line): (file): nests lists or mappings too deeply (the limit is 64 levels); a suite needs a few.")
            }
        }
    }

    /// Aliases expand past what the text shows: "billion laughs" (10^9 values from 10 lines) kept the
    /// reader busy for minutes; a chain of aliases of a deep node nests deeper than any line.
    func testAliasExpansionIsBoundedInNodesAndDepth() throws {
        let regressions = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fuzz/Regressions/probe_suite")
        let laughs = try String(contentsOf: regressions.appendingPathComponent("billion-laughs.yaml"), encoding: .utf8)
        XCTAssertNil(line(laughs))   // the text itself is shallow
        let started = Date()
        XCTAssertThrowsError(try SuiteParser.parse(yaml: laughs, source: "laughs.yaml")) {
            XCTAssertTrue("\($0)".hasPrefix("laughs.yaml line "), "\($0)")
            XCTAssertTrue("\($0)".contains("(file): expands to more than 100000 values through its aliases (*name)"), "\($0)")
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 10)
        let chain = try String(contentsOf: regressions.appendingPathComponent("alias-chain-depth.yaml"), encoding: .utf8)
        XCTAssertNil(line(chain))
        XCTAssertThrowsError(try SuiteParser.parse(yaml: chain, source: "chain.yaml")) {
            XCTAssertTrue("\($0)".contains("nests lists or mappings too deeply through its aliases"), "\($0)")
        }
        // Aliases within the limits are fine (the suite's own checks then run).
        let reuse = "name: x\ngroups:\n  cls: &g {reduce: mean}\n  patches: *g\nprobes: {logistic: {}}\n"
        XCTAssertNil(YAMLNesting.expansion(of: try XCTUnwrap(try Yams.compose(yaml: reuse))))
        XCTAssertNoThrow(try SuiteParser.parse(yaml: reuse, source: "reuse.yaml"))
    }
}
