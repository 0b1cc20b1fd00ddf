import ActivationStore
import SinkAnalysis
import ReportKit
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
        let files = try NotebookRendering(
            notebook: outcome.notebook, run: outcome.run, variables: outcome.variables, notebookFile: config.notebook,
            outputDirectory: config.outputDirectory, maxFiguresPerBlock: config.maxFiguresPerBlock,
            maxOutputLines: config.maxOutputLines
        ).write(markdownName: NotebookRunConfig.name(of: config.notebook) + ".md")
        return Result(run: outcome.run, html: files.html, markdown: files.markdown, json: files.json)
    }
}
