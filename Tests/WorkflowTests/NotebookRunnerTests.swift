import TestSupport
import XCTest
@testable import Workflow
@testable import ReportKit

/// Runs notebooks with `/bin/sh` standing in for the sinkscope binary (`sinkscope -c '...'` runs
/// a shell snippet), so the runner's ordering, failure and figure handling are tested without
/// building the CLI. The CLI tests run real notebooks through the real binary.
final class NotebookRunnerTests: XCTestCase {
    var directory: URL!

    override func setUp() { directory = temporaryDirectory("notebook-runner") }
    override func tearDown() { try? FileManager.default.removeItem(at: directory) }

    func write(_ text: String, name: String = "nb.md") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func config(_ notebook: URL, overrides: [String: String] = [:]) -> NotebookRunConfig {
        NotebookRunConfig(
            notebook: notebook, outputDirectory: directory.appendingPathComponent("out"), workingDirectory: directory,
            executable: URL(fileURLWithPath: "/bin/sh"), overrides: overrides, cache: directory)
    }

    func testRunsInOrderInTheWorkingDirectoryAndCollectsFigures() throws {
        try Data("png bytes".utf8).write(to: directory.appendingPathComponent("source.png"))
        let notebook = try write("""
            ```sinkscope-vars
            n = 3
            ```

            ```sinkscope
            sinkscope -c 'echo first {{n}}; pwd'
            sinkscope -c 'mkdir -p "$1/sub" && cp source.png "$1/sub/a.png" && cp source.png "$1/b.png"' sh {{out}}/figs
            ```

            ```sinkscope figures=1
            sinkscope -c 'echo "to stderr" >&2; cp source.png "$1/c.png"; cp source.png "$1/d.png"' sh {{out}}/figs
            ```
            """)
        let result = try NotebookSession.run(config(notebook, overrides: ["n": "7"]))
        let run = result.run
        XCTAssertNil(run.failure)
        XCTAssertEqual(run.blocks.map(\.line), [5, 10])
        let first = run.blocks[0].commands[0]
        XCTAssertEqual(first.line, 6)
        XCTAssertEqual(first.stdout, "first 7\n\(directory.standardizedFileURL.path)\n")
        XCTAssertEqual(run.blocks[0].figures, ["figs/b.png", "figs/sub/a.png"])
        // The second block names the same folder: only the files it wrote are its figures.
        XCTAssertEqual(run.blocks[1].figures, ["figs/c.png", "figs/d.png"])
        XCTAssertEqual(run.blocks[1].commands[0].stderr, "to stderr\n")

        let html = try String(contentsOf: result.html, encoding: .utf8)
        XCTAssertTrue(html.contains("<img src=\"figs/sub/a.png\""))
        XCTAssertTrue(html.contains("<img src=\"figs/c.png\""))
        XCTAssertFalse(html.contains("<img src=\"figs/d.png\""), "figures=1 shows one figure of that block")
        XCTAssertTrue(html.contains("first 7"))
        let markdown = try String(contentsOf: result.markdown, encoding: .utf8)
        XCTAssertTrue(markdown.contains("![figs/b.png](figs/b.png)"))
        XCTAssertTrue(markdown.contains("```text\nfirst 7"))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: result.json)) as? [String: Any]
        XCTAssertEqual((json?["blocks"] as? [Any])?.count, 2)
        XCTAssertEqual(try String(contentsOf: directory.appendingPathComponent("out/logs/line-6.stdout.txt"), encoding: .utf8), first.stdout)
    }

    func testFailingBlockStopsTheRunAndNamesItsLine() throws {
        let notebook = try write("""
            # Failing

            ```sinkscope
            sinkscope -c 'echo ok'
            ```

            Prose.

            ```sinkscope
            sinkscope -c 'echo fine'
            sinkscope -c 'echo "partial output"; echo "Error: the store /x has no layer 99." >&2; exit 3'
            sinkscope -c 'echo never > never.txt'
            ```

            ```sinkscope
            sinkscope -c 'echo never either > never2.txt'
            ```
            """)
        XCTAssertThrowsError(try NotebookSession.run(config(notebook))) { error in
            XCTAssertEqual(error as? NotebookError, .blockFailed(
                path: notebook.path, blockLine: 9, commandLine: 11,
                command: #"sinkscope -c 'echo "partial output"; echo "Error: the store /x has no layer 99." >&2; exit 3'"#,
                status: 3, lastError: "Error: the store /x has no layer 99."))
            XCTAssertTrue("\(error)".hasPrefix("\(notebook.path):11: the sinkscope block at line 9 failed"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("never.txt").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("never2.txt").path))
        // The renderings are written anyway, showing where it stopped.
        let html = try String(contentsOf: directory.appendingPathComponent("out/index.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("exit status 3"))
        XCTAssertTrue(html.contains("partial output"))
        XCTAssertTrue(html.contains("Not run: an earlier block failed."))
        let run = try JSONDecoder.snake.decode(NotebookRun.self, from: Data(contentsOf: directory.appendingPathComponent("out/run.json")))
        XCTAssertEqual(run.blocks.map { $0.commands.map(\.status) }, [[0], [0, 3]])
        XCTAssertNotNil(run.failure)
    }

    func testUndefinedVariableNamesItsLine() throws {
        let notebook = try write("```sinkscope\nsinkscope -c 'true'\nsinkscope -c {{missing}}\n```\n")
        XCTAssertThrowsError(try NotebookSession.run(config(notebook))) { error in
            guard case let .unknownVariable(_, line, name, _) = error as? NotebookError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 3)
            XCTAssertEqual(name, "missing")
        }
    }

    func testOutputDirectoryIsClearedOnlyWhenANotebookWroteIt() throws {
        let notebook = try write("```sinkscope\nsinkscope -c 'true'\n```\n")
        let out = directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("precious".utf8).write(to: out.appendingPathComponent("thesis.tex"))
        XCTAssertThrowsError(try NotebookSession.run(config(notebook))) { error in
            guard case .outputNotWritable = error as? NotebookError else { return XCTFail("\(error)") }
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("thesis.tex").path))

        try FileManager.default.removeItem(at: out.appendingPathComponent("thesis.tex"))
        try NotebookSession.run(config(notebook))
        try Data("stale".utf8).write(to: out.appendingPathComponent("stale.txt"))
        try NotebookSession.run(config(notebook))
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("stale.txt").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("index.html").path))
    }

    func testMissingExecutableIsAClearError() throws {
        let notebook = try write("\n```sinkscope\nsinkscope inspect x\n```\n")
        var c = config(notebook)
        c.executable = directory.appendingPathComponent("no-such-binary")
        XCTAssertThrowsError(try NotebookSession.run(c)) { error in
            guard case let .launchFailed(_, line, _, _) = error as? NotebookError else { return XCTFail("\(error)") }
            XCTAssertEqual(line, 3)
        }
    }
}

extension JSONDecoder {
    static var snake: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}
