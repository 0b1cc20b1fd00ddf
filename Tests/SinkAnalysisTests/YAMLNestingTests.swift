import Foundation
import TestSupport
import XCTest

@testable import SinkAnalysis

/// Deeply nested YAML is refused before Yams builds its (recursive) tree: thousands of levels of
/// `[[[[...` overflowed the stack in the YAML → value conversion (found by the probe_suite fuzz target;
/// inputs in Tests/Fuzz/Regressions/probe_suite).
final class YAMLNestingTests: XCTestCase {
    func testDepthIsCountedAcrossFlowAndBlockCollections() {
        XCTAssertNil(YAMLNesting.firstLineDeeperThanLimit(""))
        XCTAssertNil(YAMLNesting.firstLineDeeperThanLimit(SuiteParserTests.full))
        XCTAssertNil(YAMLNesting.firstLineDeeperThanLimit("a: " + String(repeating: "[", count: 63) + String(repeating: "]", count: 63)))
        XCTAssertEqual(YAMLNesting.firstLineDeeperThanLimit("a: " + String(repeating: "[", count: 64) + String(repeating: "]", count: 64)), 1)
        XCTAssertEqual(YAMLNesting.firstLineDeeperThanLimit("a: 1\nb:\n  c:\n    - - [1]\n", limit: 4), 4)
        XCTAssertNil(YAMLNesting.firstLineDeeperThanLimit("a: 1\nb:\n  c:\n    - - 1\n", limit: 4))
        // Depth is nesting, not the number of collections: many siblings are fine.
        XCTAssertNil(YAMLNesting.firstLineDeeperThanLimit(String(repeating: "- [1, {a: [2]}]\n", count: 500)))
        // A syntax error ends the scan; Yams reports it with its line.
        XCTAssertNil(YAMLNesting.firstLineDeeperThanLimit("a: [1, 2\nb: }"))
    }

    func testDeeplyNestedSuitesGiveOneSentenceInsteadOfOverflowingTheStack() throws {
        let regressions = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fuzz/Regressions/probe_suite")
        for (name, line) in [("flow-nested-20000.yaml", 2), ("block-nested-5000.yaml", 1)] {
            let text = try String(contentsOf: regressions.appendingPathComponent(name), encoding: .utf8)
            XCTAssertThrowsError(try SuiteParser.parse(yaml: text, source: "deep.yaml"), name) {
                XCTAssertEqual("\($0)", "deep.yaml line \(line): (file): nests lists or mappings more than 64 levels deep; a suite needs at most a few.")
            }
        }
    }
}
