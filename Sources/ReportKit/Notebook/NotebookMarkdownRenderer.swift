import Foundation

/// Renders a notebook with its run back to markdown: the prose as written (image links pointed
/// at the copies beside the rendering), each command block followed by its output in a `text`
/// fence and the figures it wrote. Readable on GitHub or in any editor; paths relative to the
/// output directory, where this file is written.
struct NotebookMarkdownRenderer {
    let notebook: Notebook
    let run: NotebookRun
    let assets: NotebookAssets
    let maxFiguresPerBlock: Int
    let maxOutputLines: Int

    func render() -> String {
        var parts: [String] = []
        for cell in notebook.cells {
            switch cell {
            case let .markdown(text, _):
                parts.append(rewritingImages(text))
            case let .code(language, text, _):
                parts.append(fenced(text, language: language))
            case let .variables(block):
                parts.append(fenced(block.text, language: NotebookParser.variablesLanguage))
                parts.append(variablesNote())
            case let .commands(block):
                parts.append(fenced(block.text, language: NotebookParser.commandLanguage))
                parts.append(outputs(of: block))
            }
        }
        let status = run.failure.map { "> **The run stopped:** \($0)" }
            ?? "> Rendered by `sinkscope notebook run` — every block ran (\(String(format: "%.1f", run.seconds)) s)."
        return ([status] + parts).joined(separator: "\n\n") + "\n"
    }

    func variablesNote() -> String {
        "Values in this run: " + run.variables.map { "`\($0.name)` = `\($0.value)`" }.joined(separator: ", ") + "."
    }

    func outputs(of block: CommandBlock) -> String {
        guard let blockRun = run.block(at: block.line) else { return "_Not run: an earlier block failed._" }
        var parts: [String] = []
        for command in blockRun.commands {
            let status = command.status == 0 ? "" : " — **exit status \(command.status)**"
            var text = OutputText.clip(command.stdout, maxLines: maxOutputLines, fullOutput: command.stdoutFile)
            if command.status != 0 {
                text += (text.isEmpty ? "" : "\n") + OutputText.clip(command.stderr, maxLines: maxOutputLines, fullOutput: command.stderrFile)
            }
            parts.append("Output of line \(command.line)\(status):")
            if !text.isEmpty { parts.append(fenced(text, language: "text")) }
        }
        for page in blockRun.pages { parts.append("Page written: [\(page)](\(page))") }
        let shown = blockRun.figures.prefix(block.maxFigures ?? maxFiguresPerBlock)
        if !shown.isEmpty { parts.append(shown.map { "![\($0)](\($0))" }.joined(separator: "\n")) }
        if blockRun.figures.count > shown.count {
            parts.append("\(blockRun.figures.count - shown.count) more figures were written (see the output folder).")
        }
        return parts.joined(separator: "\n\n")
    }

    /// A fence longer than any run of backticks inside `text`, so output can never close it early.
    func fenced(_ text: String, language: String) -> String {
        var longest = 0, current = 0
        for c in text { current = c == "`" ? current + 1 : 0; longest = max(longest, current) }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(language)\n\(text)\n\(fence)"
    }

    /// `![alt](target)` → `![alt](src)` where the assets give a local source.
    func rewritingImages(_ text: String) -> String {
        var out = ""
        var rest = text[...]
        while let start = rest.range(of: "![") {
            out += rest[..<start.lowerBound]
            guard let close = rest[start.upperBound...].range(of: "]("),
                  let end = rest[close.upperBound...].firstIndex(of: ")") else {
                out += rest[start.lowerBound...]
                return out
            }
            let alt = rest[start.upperBound..<close.lowerBound]
            let target = String(rest[close.upperBound..<end])
            out += "![\(alt)](\(assets.source(for: target) ?? target))"
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
