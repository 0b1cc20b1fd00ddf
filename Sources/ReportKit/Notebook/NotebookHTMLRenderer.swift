import Support
import Foundation

/// Renders a notebook with its run as one static HTML page: the prose, each command with its
/// output, and the figures each block wrote. No scripts, no network requests; image paths are
/// relative to the page (it sits at the top of the output directory); all text is escaped.
struct NotebookHTMLRenderer {
    let notebook: Notebook
    let run: NotebookRun
    let assets: NotebookAssets
    let maxFiguresPerBlock: Int
    let maxOutputLines: Int

    func render() -> String {
        let markdown = MarkdownHTML(imageSource: assets.source(for:))
        var body: [String] = []
        body.append(header())
        for cell in notebook.cells {
            switch cell {
            case let .markdown(text, _):
                body.append(markdown.render(text))
            case let .code(language, text, _):
                body.append("<pre class=\"code\" data-lang=\"\(HTML.escape(language))\"><code>\(HTML.escape(text))</code></pre>")
            case let .variables(block):
                body.append("<pre class=\"code vars\"><code>\(HTML.escape(block.text))</code></pre>")
            case let .commands(block):
                body.append(commandCell(block, run.block(at: block.line)))
            }
        }
        return page(title: title, body: body.joined(separator: "\n"))
    }

    var title: String {
        for case let .markdown(text, _) in notebook.cells {
            for line in text.split(separator: "\n") where line.hasPrefix("# ") {
                return line.dropFirst(2).trimmingCharacters(in: .whitespaces)
            }
        }
        return URL(fileURLWithPath: run.notebook).deletingPathExtension().lastPathComponent
    }

    func header() -> String {
        let status = run.failure.map { "<p class=\"failure\">The run stopped: \(HTML.escape($0))</p>" }
            ?? "<p class=\"ok\">Every block ran (\(String(format: "%.1f", run.seconds)) s).</p>"
        let rows = run.variables.map { "<tr><td><code>{{\(HTML.escape($0.name))}}</code></td><td><code>\(HTML.escape($0.value))</code></td></tr>" }
        return """
            <div class="run">
            <p>Rendered by <code>sinkscope notebook run \(HTML.escape(run.notebook))</code>.</p>
            \(status)
            <details><summary>Variables of this run</summary>
            <table><tbody>\(rows.joined(separator: "\n"))</tbody></table></details>
            </div>
            """
    }

    func commandCell(_ block: CommandBlock, _ blockRun: BlockRun?) -> String {
        var parts = ["<div class=\"cell\">", "<pre class=\"command\"><code>\(HTML.escape(block.text))</code></pre>"]
        guard let blockRun else {
            parts.append("<p class=\"notrun\">Not run: an earlier block failed.</p></div>")
            return parts.joined(separator: "\n")
        }
        for command in blockRun.commands {
            let status = command.status == 0 ? "" : " <span class=\"failure\">exit status \(command.status)</span>"
            parts.append("<p class=\"label\">line \(command.line): <code>sinkscope \(HTML.escape(command.arguments.map(ShellWords.quote).joined(separator: " ")))</code> (\(String(format: "%.1f", command.seconds)) s)\(status)</p>")
            let stdout = OutputText.clip(command.stdout, maxLines: maxOutputLines, fullOutput: command.stdoutFile)
            if !stdout.isEmpty { parts.append("<pre class=\"output\">\(HTML.escape(stdout))</pre>") }
            let stderr = OutputText.clip(command.stderr, maxLines: maxOutputLines, fullOutput: command.stderrFile)
            if !stderr.isEmpty {
                let open = command.status == 0 ? "" : " open"
                parts.append("<details\(open)><summary>stderr</summary><pre class=\"output stderr\">\(HTML.escape(stderr))</pre></details>")
            }
        }
        for page in blockRun.pages {
            parts.append("<p class=\"label\">Page written: <a href=\"\(HTML.escape(page))\">\(HTML.escape(page))</a></p>")
        }
        let limit = block.maxFigures ?? maxFiguresPerBlock
        let shown = blockRun.figures.prefix(limit)
        if !shown.isEmpty {
            parts.append("<div class=\"figures\">")
            for figure in shown {
                parts.append("<figure><a href=\"\(HTML.escape(figure))\"><img src=\"\(HTML.escape(figure))\" alt=\"\(HTML.escape(figure))\"></a><figcaption>\(HTML.escape(figure))</figcaption></figure>")
            }
            parts.append("</div>")
        }
        if blockRun.figures.count > shown.count {
            parts.append("<p class=\"label\">\(blockRun.figures.count - shown.count) more figures were written (see the page above or the output folder).</p>")
        }
        parts.append("</div>")
        return parts.joined(separator: "\n")
    }

    func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <style>
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; color: #222; }
        code, pre { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
        pre { background: #f6f6f4; padding: 0.6rem 0.8rem; overflow-x: auto; border-radius: 4px; }
        pre.command { background: #eef3fb; border-left: 4px solid #3a6fc4; }
        pre.output { background: #fbfbf9; border: 1px solid #e4e4e0; max-height: 40rem; }
        pre.stderr { color: #6b4a00; }
        .cell { margin: 1.2rem 0; }
        .label { font-size: 0.85em; color: #555; margin: 0.4rem 0 0.2rem; }
        .failure { color: #b00020; font-weight: bold; }
        .ok { color: #1b6e20; }
        .notrun { color: #777; font-style: italic; }
        .figures { display: flex; flex-wrap: wrap; gap: 0.8rem; }
        figure { margin: 0; max-width: 28rem; }
        figure img, p img { max-width: 100%; height: auto; border: 1px solid #ddd; }
        figcaption { font-size: 0.8em; color: #555; word-break: break-all; }
        table { border-collapse: collapse; margin: 0.6rem 0; }
        th, td { border: 1px solid #ddd; padding: 0.25rem 0.5rem; text-align: left; }
        blockquote { border-left: 3px solid #ccc; margin-left: 0; padding-left: 1rem; color: #444; }
        .run { background: #fafafa; border: 1px solid #e8e8e8; padding: 0.2rem 1rem; border-radius: 4px; }
        </style>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }
}

/// Clips long command output for display; the full text stays in `logs/`.
enum OutputText {
    static func clip(_ text: String, maxLines: Int, fullOutput: String) -> String {
        let trimmed = text.trimmingCharacters(in: .newlines)
        let lines = trimmed.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" })
        guard lines.count > maxLines, maxLines >= 10 else { return trimmed }
        let tail = maxLines / 4
        let head = maxLines - tail
        return (lines.prefix(head) + ["… \(lines.count - head - tail) lines omitted (full output: \(fullOutput)) …"] + lines.suffix(tail))
            .joined(separator: "\n")
    }
}
