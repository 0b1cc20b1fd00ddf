import TestSupport
import XCTest
@testable import ReportKit
@testable import Workflow

final class NotebookRenderingTests: XCTestCase {
    func testMarkdownSubset() {
        let html = MarkdownHTML().render("""
            ## Received attention

            The share is `r_j = (1/H) Σ_h Σ_i A[h,i,j]`, **bold** and *em*; snake_case_name stays.

            - one
            - two with [a link](docs/store.md)

            1. first
            2. second

            | layer | sinks |
            | ---: | --- |
            | 3 | 0.5 |

            > quoted
            """)
        XCTAssertTrue(html.contains("<h2 id=\"received-attention\">Received attention</h2>"))
        XCTAssertTrue(html.contains("<code>r_j = (1/H) Σ_h Σ_i A[h,i,j]</code>"))
        XCTAssertTrue(html.contains("<strong>bold</strong> and <em>em</em>; snake_case_name stays."))
        XCTAssertTrue(html.contains("<ul><li>one</li><li>two with <a href=\"docs/store.md\">a link</a></li></ul>"))
        XCTAssertTrue(html.contains("<ol><li>first</li><li>second</li></ol>"))
        XCTAssertTrue(html.contains("<thead><tr><th>layer</th><th>sinks</th></tr></thead>"))
        XCTAssertTrue(html.contains("<tr><td>3</td><td>0.5</td></tr>"))
        XCTAssertTrue(html.contains("<blockquote><p>quoted</p></blockquote>"))
    }

    func testEverythingIsEscaped() {
        let html = MarkdownHTML().render("""
            # <script>alert(1)</script>

            Text <img src=x onerror=alert(1)> & `<b>code</b>` [<i>x</i>](javascript:"a") ![alt"](http://example.com/x.png)
            """)
        XCTAssertFalse(html.contains("<script>"))
        XCTAssertFalse(html.contains("<img src=x"))
        XCTAssertFalse(html.contains("<b>"))
        XCTAssertFalse(html.contains("<i>"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertTrue(html.contains("<code>&lt;b&gt;code&lt;/b&gt;</code>"))
        XCTAssertTrue(html.contains("&amp;"))
        XCTAssertFalse(html.contains("javascript:"), "unsafe link schemes become plain text")
        XCTAssertTrue(html.contains("&lt;i&gt;x&lt;/i&gt;"))
        // A web image is never loaded: it becomes a link.
        XCTAssertFalse(html.contains("<img src=\"http"))
    }

    func testRenderedNotebookEscapesProseOutputAndLabels() throws {
        let directory = temporaryDirectory("notebook-render")
        defer { try? FileManager.default.removeItem(at: directory) }
        let notebook = directory.appendingPathComponent("esc.md")
        try Data("""
            # A <script>alert(1)</script> notebook

            ```sinkscope
            sinkscope -c 'echo "<script>alert(2)</script> & \\"quotes\\""; echo "<b>warn</b>" >&2'
            ```
            """.utf8).write(to: notebook)
        let result = try NotebookSession.run(NotebookRunConfig(
            notebook: notebook, outputDirectory: directory.appendingPathComponent("out"), workingDirectory: directory,
            executable: URL(fileURLWithPath: "/bin/sh"), overrides: ["label": "<script>alert(3)</script>"], cache: directory))
        let html = try String(contentsOf: result.html, encoding: .utf8)
        XCTAssertFalse(html.contains("<script>"), html)
        XCTAssertFalse(html.contains("<b>warn"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(2)&lt;/script&gt; &amp; &quot;quotes&quot;"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"), "variable values are escaped too")
        XCTAssertTrue(html.contains("<title>A &lt;script&gt;alert(1)&lt;/script&gt; notebook</title>"))
        XCTAssertFalse(html.contains("http://") || html.contains("https://"), "no network resources")
        XCTAssertFalse(html.contains("<script"), "no scripts at all")
    }

    func testLinkedImagesAreCopiedBesideTheRendering() throws {
        let directory = temporaryDirectory("notebook-assets")
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("figs"), withIntermediateDirectories: true)
        try Data("png".utf8).write(to: directory.appendingPathComponent("figs/diagram.png"))
        let notebook = directory.appendingPathComponent("img.md")
        try Data("![diagram](figs/diagram.png) and ![missing](figs/none.png)\n".utf8).write(to: notebook)
        let result = try NotebookSession.run(NotebookRunConfig(
            notebook: notebook, outputDirectory: directory.appendingPathComponent("out"), workingDirectory: directory,
            executable: URL(fileURLWithPath: "/bin/sh"), cache: directory))
        let html = try String(contentsOf: result.html, encoding: .utf8)
        XCTAssertTrue(html.contains("<img src=\"assets/diagram.png\" alt=\"diagram\">"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: directory.appendingPathComponent("out/assets/diagram.png").path))
        XCTAssertTrue(html.contains("<a href=\"figs/none.png\">missing</a>"))
        XCTAssertTrue(try String(contentsOf: result.markdown, encoding: .utf8).contains("![diagram](assets/diagram.png)"))
    }

    func testOutputClipping() {
        let text = (1...500).map { "line \($0)" }.joined(separator: "\n")
        let clipped = OutputText.clip(text, maxLines: 100, fullOutput: "logs/x.txt")
        let lines = clipped.split(separator: "\n")
        XCTAssertEqual(lines.count, 101)
        XCTAssertEqual(lines.first, "line 1")
        XCTAssertEqual(lines.last, "line 500")
        XCTAssertTrue(clipped.contains("400 lines omitted (full output: logs/x.txt)"))
    }
}
