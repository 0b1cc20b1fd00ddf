import ArgumentParser
import Foundation
import TestSupport
import XCTest

@testable import SinkScopeCLI

final class SynthCommandTests: XCTestCase {
    func testWritesImagesAndLabels() throws {
        let dir = temporaryDirectory().appendingPathComponent("synth")
        var command = try SinkScopeCommand.parseAsRoot(["synth", "--out", dir.path, "--count", "5", "--seed", "3", "--size", "64"])
        try command.run()
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        XCTAssertEqual(names, ["labels.csv", "labels.md", "scenes.json"] + (0..<5).map { "synth-0000\($0).png" })
        let csv = try String(contentsOf: dir.appendingPathComponent("labels.csv"), encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").count, 6)
    }

    func testValidationNamesTheOption() {
        XCTAssertThrowsError(try SinkScopeCommand.parseAsRoot(["synth", "--out", "x", "--count", "0"])) { error in
            XCTAssertTrue(SinkScopeCommand.message(for: error).contains("--count"), SinkScopeCommand.message(for: error))
        }
        XCTAssertThrowsError(try SinkScopeCommand.parseAsRoot(["synth", "--out", "x", "--count", "3", "--size", "5000"])) { error in
            XCTAssertTrue(SinkScopeCommand.message(for: error).contains("--size"), SinkScopeCommand.message(for: error))
        }
    }

    func testNonEmptyOutputIsOneClearSentence() throws {
        let dir = temporaryDirectory()
        try Data("x".utf8).write(to: dir.appendingPathComponent("other.txt"))
        var command = try SinkScopeCommand.parseAsRoot(["synth", "--out", dir.path, "--count", "2"])
        XCTAssertThrowsError(try command.run()) { error in
            let message = SinkScopeCommand.message(for: error)
            XCTAssertTrue(message.contains(dir.path) && message.contains("not an empty directory"), message)
        }
    }
}
