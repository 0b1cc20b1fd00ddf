import Support
import XCTest
@testable import ReportKit

final class NotebookParserTests: XCTestCase {
    let text = """
        # Title

        Some prose with `inline code`.

        ```sinkscope-vars
        images = 12      # default count
        store = {{out}}/store
        ```

        ```python
        print("not run")
        ```

        ```sinkscope
        # a comment line
        sinkscope synth --out {{out}}/synth --count {{images}}

        sinkscope extract --model dinov2-small \\
            --images {{out}}/synth \\
            --out {{store}}
        sinkscope inspect "a path with spaces" 'single $quoted' # trailing comment
        ```

        More prose.

        ~~~~sinkscope figures=2
        sinkscope report --store {{store}} --out {{out}}/report
        ~~~~
        """

    func testCellsInOrderWithLines() throws {
        let notebook = try NotebookParser.parse(text: text, source: "nb.md")
        XCTAssertEqual(notebook.cells.count, 6)
        guard case let .markdown(first, firstLine) = notebook.cells[0] else { return XCTFail("\(notebook.cells[0])") }
        XCTAssertEqual(firstLine, 1)
        XCTAssertTrue(first.contains("# Title"))
        guard case let .code(language, code, codeLine) = notebook.cells[2] else { return XCTFail("\(notebook.cells[2])") }
        XCTAssertEqual(language, "python")
        XCTAssertEqual(code, "print(\"not run\")")
        XCTAssertEqual(codeLine, 10)
        guard case let .markdown(more, moreLine) = notebook.cells[4] else { return XCTFail("\(notebook.cells[4])") }
        XCTAssertEqual(more.trimmingCharacters(in: .whitespacesAndNewlines), "More prose.")
        XCTAssertEqual(moreLine, 24)
    }

    func testCommandsLinesAndContinuations() throws {
        let blocks = try NotebookParser.parse(text: text, source: "nb.md").commandBlocks
        XCTAssertEqual(blocks.map(\.line), [14, 26])
        let commands = blocks[0].commands
        XCTAssertEqual(commands.map(\.line), [16, 18, 21])
        XCTAssertEqual(commands[0].arguments, ["synth", "--out", "{{out}}/synth", "--count", "{{images}}"])
        XCTAssertEqual(commands[1].arguments, ["extract", "--model", "dinov2-small", "--images", "{{out}}/synth", "--out", "{{store}}"])
        XCTAssertEqual(commands[1].text, "sinkscope extract --model dinov2-small --images {{out}}/synth --out {{store}}")
        XCTAssertEqual(commands[2].arguments, ["inspect", "a path with spaces", "single $quoted"])
        XCTAssertEqual(blocks[1].maxFigures, 2)
        XCTAssertNil(blocks[0].maxFigures)
        XCTAssertEqual(blocks[1].commands.first?.line, 27)
    }

    func testVariablesBlock() throws {
        let declared = try NotebookParser.parse(text: text, source: "nb.md").declaredVariables
        XCTAssertEqual(declared.map(\.name), ["images", "store"])
        XCTAssertEqual(declared.map(\.value), ["12", "{{out}}/store"])
        XCTAssertEqual(declared.map(\.line), [6, 7])
    }

    func testOtherBlocksAreNotRun() throws {
        let notebook = try NotebookParser.parse(text: "```bash\nsinkscope demo\n```\n```\nsinkscope x\n```\n", source: "nb.md")
        XCTAssertTrue(notebook.commandBlocks.isEmpty)
        XCTAssertEqual(notebook.cells.count, 2)
    }

    func testIndentedFenceAndLongerClosingFence() throws {
        let notebook = try NotebookParser.parse(text: "  ```sinkscope\n  sinkscope inspect x\n  `````\nafter\n", source: "nb.md")
        XCTAssertEqual(notebook.commandBlocks.first?.commands.first?.arguments, ["inspect", "x"])
        XCTAssertEqual(notebook.cells.count, 2)
    }

    func testShellWords() {
        XCTAssertEqual(ShellWords.split(#"a "b \"c\" d" 'e f' g\ h #x"#), ["a", #"b "c" d"#, "e f", "g h"])
        XCTAssertEqual(ShellWords.split("a#b ''"), ["a#b", ""])
        XCTAssertNil(ShellWords.split("a 'b"))
        XCTAssertEqual(ShellWords.split(ShellWords.quote("it's a path")), ["it's a path"])
    }

    // MARK: - Errors name the line

    func testUnclosedCommandBlock() {
        XCTAssertThrowsError(try NotebookParser.parse(text: "x\n\n```sinkscope\nsinkscope inspect a\n", source: "nb.md")) {
            XCTAssertEqual($0 as? NotebookError, .unclosedBlock(path: "nb.md", line: 3))
            XCTAssertTrue("\($0)".hasPrefix("nb.md:3:"))
        }
    }

    func testCommandWithoutPrefix() {
        XCTAssertThrowsError(try NotebookParser.parse(text: "```sinkscope\n\nextract --out x\n```\n", source: "nb.md")) {
            XCTAssertEqual($0 as? NotebookError, .notASinkscopeCommand(path: "nb.md", line: 3, firstWord: "extract"))
        }
    }

    func testDanglingContinuationAndQuote() {
        XCTAssertThrowsError(try NotebookParser.parse(text: "```sinkscope\nsinkscope a \\\n```\n", source: "nb.md")) {
            XCTAssertEqual($0 as? NotebookError, .danglingContinuation(path: "nb.md", line: 2))
        }
        XCTAssertThrowsError(try NotebookParser.parse(text: "\n```sinkscope\nsinkscope a \\\n  'b\n```\n", source: "nb.md")) {
            XCTAssertEqual($0 as? NotebookError, .unterminatedQuote(path: "nb.md", line: 3))
        }
    }

    func testBadVariableLine() {
        XCTAssertThrowsError(try NotebookParser.parse(text: "```sinkscope-vars\nimages: 3\n```\n", source: "nb.md")) {
            XCTAssertEqual($0 as? NotebookError, .badVariableLine(path: "nb.md", line: 2, text: "images: 3"))
        }
    }

    // MARK: - Variables

    func testSubstitutionAndOverrides() throws {
        let notebook = try NotebookParser.parse(text: text, source: "nb.md")
        let variables = try NotebookVariables(
            notebook: notebook, builtIns: [("out", "/tmp/o")], overrides: ["images": "4", "extra": "x=y"])
        XCTAssertEqual(variables.values["images"], "4")
        XCTAssertEqual(variables.values["store"], "/tmp/o/store")
        XCTAssertEqual(variables.values["extra"], "x=y")
        XCTAssertEqual(try variables.substitute("{{ out }}/a-{{images}}", line: 1, source: "nb.md"), "/tmp/o/a-4")
        XCTAssertThrowsError(try variables.substitute("{{nope}}", line: 9, source: "nb.md")) {
            XCTAssertTrue("\($0)".hasPrefix("nb.md:9: the variable {{nope}} is not defined"), "\($0)")
        }
        XCTAssertEqual(try NotebookVariables.parseOverrides(["a=1", "b= 2 "]), ["a": "1", "b": " 2 "])
        XCTAssertThrowsError(try NotebookVariables.parseOverrides(["no-equals"]))
        XCTAssertThrowsError(try NotebookVariables.parseOverrides(["bad key=1"]))
    }
}
