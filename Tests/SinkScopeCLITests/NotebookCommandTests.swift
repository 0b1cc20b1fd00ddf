import Foundation
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// `sinkscope notebook run` through the built binary: it runs itself for each command.
final class NotebookCommandTests: XCTestCase {
    func testFailingBlockExitsNonZeroNamingTheLine() throws {
        let directory = temporaryDirectory("notebook-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let notebook = directory.appendingPathComponent("broken.md")
        try Data("""
            # Broken

            ```sinkscope
            sinkscope import \(CLI.exampleDump) --out {{out}}/store
            ```

            ```sinkscope
            sinkscope inspect {{out}}/store
            sinkscope inspect {{out}}/no-such-store
            ```
            """.utf8).write(to: notebook)
        let out = directory.appendingPathComponent("out")
        let result = try CLI.run(["notebook", "run", notebook.path, "--out", out.path])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("Error: \(notebook.path):9: the sinkscope block at line 7 failed"), result.stderr)
        XCTAssertTrue(result.stderr.contains("no-such-store"), result.stderr)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("model example_dump"), "the successful inspect output is rendered")
    }

    func testVarsAndJSON() throws {
        let directory = temporaryDirectory("notebook-cli")
        defer { try? FileManager.default.removeItem(at: directory) }
        let notebook = directory.appendingPathComponent("vars.md")
        try Data("""
            ```sinkscope-vars
            count = 3
            ```
            ```sinkscope
            sinkscope synth --out {{out}}/synth --count {{count}} --size 32
            ```
            """.utf8).write(to: notebook)
        let out = directory.appendingPathComponent("out")
        let result = try CLI.run(["notebook", "run", notebook.path, "--out", out.path, "--var", "count=2", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let run = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let blocks = run?["blocks"] as? [[String: Any]]
        XCTAssertEqual((blocks?.first?["figures"] as? [String]), ["synth/synth-00000.png", "synth/synth-00001.png"])
        XCTAssertEqual(try String(contentsOf: out.appendingPathComponent("synth/labels.csv"), encoding: .utf8)
            .split(separator: "\n").count, 3)
    }

    func testBadVarIsRejected() throws {
        let result = try CLI.run(["notebook", "run", "x.md", "--var", "no equals"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--var 'no equals' must read KEY=VALUE"), result.stderr)
    }
}
