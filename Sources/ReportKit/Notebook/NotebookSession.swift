import Foundation

/// `sinkscope notebook run` in one call: parse, run every block, render `index.html` and
/// `NAME.md` with the outputs, write `run.json`; then report the first failure, if any.
public enum NotebookSession {
    /// What a finished (or stopped) run wrote.
    public struct Result: Sendable {
        public var run: NotebookRun
        public var html: URL
        public var markdown: URL
        public var json: URL
    }

    /// Runs and renders the notebook. The renderings are written even when a block fails, so the
    /// failing output can be read in context.
    /// - Throws: `NotebookError` (parse errors; the failing block, naming its line in the .md file).
    @discardableResult
    public static func run(_ config: NotebookRunConfig, log: (String) -> Void = { _ in }) throws -> Result {
        let outcome = try NotebookRunner(config: config).run(log: log)
        let result = try render(outcome, config: config)
        if let error = outcome.error { throw error }
        return result
    }

    /// Writes `index.html`, `NAME.md` and `run.json` into the output directory.
    static func render(_ outcome: NotebookRunner.Outcome, config: NotebookRunConfig) throws -> Result {
        let out = config.outputDirectory
        let assets = NotebookAssets(
            notebookDirectory: config.notebook.deletingLastPathComponent(), outputDirectory: out, variables: outcome.variables)
        let html = NotebookHTMLRenderer(
            notebook: outcome.notebook, run: outcome.run, assets: assets,
            maxFiguresPerBlock: config.maxFiguresPerBlock, maxOutputLines: config.maxOutputLines).render()
        let markdown = NotebookMarkdownRenderer(
            notebook: outcome.notebook, run: outcome.run, assets: assets,
            maxFiguresPerBlock: config.maxFiguresPerBlock, maxOutputLines: config.maxOutputLines).render()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let result = Result(
            run: outcome.run,
            html: out.appendingPathComponent("index.html"),
            markdown: out.appendingPathComponent(NotebookRunConfig.name(of: config.notebook) + ".md"),
            json: out.appendingPathComponent("run.json"))
        do {
            try Data(html.utf8).write(to: result.html, options: .atomic)
            try Data(markdown.utf8).write(to: result.markdown, options: .atomic)
            try encoder.encode(outcome.run).write(to: result.json, options: .atomic)
        } catch {
            throw NotebookError.outputNotWritable(path: out.path, reason: error.localizedDescription)
        }
        return result
    }
}
