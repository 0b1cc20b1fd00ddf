import Foundation
import XCTest
@testable import SinkAnalysis

/// The engine targets the suites added: grid row and column, patch colour, and their rules.
final class SuiteEngineTargetsTests: XCTestCase {
    func testTargetStringsRoundTrip() {
        for (text, target) in [("position:row", ProbeTarget.gridRow), ("position:col", .gridColumn), ("patch_color", .patchColor),
                               ("position", .position), ("label:texture", .label("texture"))] {
            XCTAssertEqual(ProbeTarget(text), target)
            XCTAssertEqual(target.description, text)
        }
        XCTAssertNil(ProbeTarget("position:diagonal"))
        XCTAssertTrue(ProbeTarget.patchColor.isPositional)
        XCTAssertFalse(ProbeTarget.control("x").isPositional)
    }

    func testPatchColourNeedsRidgeAndSinglePatches() {
        XCTAssertThrowsError(try ProbeSpec(group: .patches, target: .patchColor, probe: .logistic).validate()) { e in
            XCTAssertEqual("\(e)", "probe=logistic must be ridge for a patch_color target (colours are continuous).")
        }
        XCTAssertThrowsError(try ProbeSpec(group: .patches, reduce: .mean, target: .gridRow, probe: .logistic).validate())
        XCTAssertNoThrow(try ProbeSpec(group: .patches, reduce: .maxnorm, target: .patchColor, probe: .ridge).validate())
    }
}
