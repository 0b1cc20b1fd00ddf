import ArgumentParser
import Foundation
import SinkAnalysis
import XCTest
@testable import SinkScopeCLI

/// The option groups and output protocol every command shares, without running a command.
final class OptionGroupTests: XCTestCase {
    /// One layer-list argument: `all` or comma-separated layers (order and repeats kept); empty
    /// pieces, negatives and words are refused.
    func testLayerSelectionArgument() {
        XCTAssertEqual(LayerSelection(argument: "all"), .all)
        XCTAssertEqual(LayerSelection(argument: "0,4,8"), .list([0, 4, 8]))
        XCTAssertEqual(LayerSelection(argument: "8, 0,4,4"), .list([8, 0, 4, 4]))
        for bad in ["", "0,,4", "0,4,", ",0", "1,x", "-1", "0-4", "ALL"] {
            XCTAssertNil(LayerSelection(argument: bad), bad)
        }
        XCTAssertEqual(LayerSelection.all.layers, nil)
        XCTAssertEqual(LayerSelection.list([2, 1]).layers, [2, 1])
    }

    func testDetectorOptionsResolveBothSpellings() throws {
        let new = try DetectorOptions.parse(["--method", "massive", "--abs", "5", "--ratio", "100"])
        let old = try DetectorOptions.parse(["--vit-method", "massive", "--vit-abs", "5", "--vit-ratio", "100"])
        XCTAssertEqual(try new.detector().parameters, try old.detector().parameters)
        XCTAssertEqual(try old.detector().name, "massive")
        XCTAssertEqual(try DetectorOptions.parse([]).methodName, "norm")
        XCTAssertThrowsError(try DetectorOptions.parse(["--method", "norm", "--vit-method", "norm"]))
        XCTAssertThrowsError(try DetectorOptions.parse(["--method", "relative", "--tau", "auto"])) { error in
            XCTAssertEqual(DetectorOptions.message(for: error), "--tau auto works only with --method norm.")
        }
        XCTAssertThrowsError(try DetectorOptions.parse(["--dims", "1,a"]))
    }

    func testOutputOptionsRenderTableOrJSON() throws {
        struct Sample: CommandOutput, Encodable {
            var path = "a/b"
            var tableText: String { "table of \(path)" }
        }
        XCTAssertEqual(try OutputOptions.parse(["--out", "x"]).render(Sample()), "table of a/b")
        XCTAssertEqual(try OutputOptions.parse(["--out", "x", "--json"]).render(Sample()), "{\n  \"path\" : \"a/b\"\n}")
        struct Snake: Encodable { var labelColumns = [Double.nan] }
        XCTAssertEqual(try CommandJSON.text(Snake(), style: .init(snakeCaseKeys: true)), "{\n  \"label_columns\" : [\n    \"nan\"\n  ]\n}")
        XCTAssertEqual(try Written(result: Sample(), note: "wrote x").text(json: false), "table of a/b\nwrote x")
        XCTAssertTrue(try OutputOptions.parse(["--out", "x", "--quiet"]).quiet)
    }
}
