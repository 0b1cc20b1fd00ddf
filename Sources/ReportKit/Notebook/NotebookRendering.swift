import Foundation
import Support

/// Writes a notebook run as pages: `index.html`, `NAME.md` (the notebook with its outputs) and
/// `run.json`. The run itself (the commands as subprocesses) is the workflow layer's; this only renders.
public struct NotebookRendering: Sendable {
    public var notebook: Notebook
    public var run: NotebookRun
    /// The resolved variables (nil when they could not be resolved).
    public var variables: NotebookVariables?
    /// The .md file the notebook came from (its folder resolves relative figure links).
    public var notebookFile: URL
    public var outputDirectory: URL
    public var maxFiguresPerBlock: Int
    public var maxOutputLines: Int

    public init(notebook: Notebook, run: NotebookRun, variables: NotebookVariables?, notebookFile: URL, outputDirectory: URL,
                maxFiguresPerBlock: Int, maxOutputLines: Int) {
        self.notebook = notebook
        self.run = run
        self.variables = variables
        self.notebookFile = notebookFile
        self.outputDirectory = outputDirectory
        self.maxFiguresPerBlock = maxFiguresPerBlock
        self.maxOutputLines = maxOutputLines
    }

    /// The three files written.
    public struct Files: Sendable {
        public var html: URL
        public var markdown: URL
        public var json: URL
    }

    /// Writes `index.html`, `NAME.md` and `run.json` into the output directory.
    /// - Parameter markdownName: the file name of the rendered notebook (its own name).
    /// - Throws: `NotebookError.outputNotWritable`.
    public func write(markdownName: String) throws -> Files {
        let out = outputDirectory
        let assets = NotebookAssets(notebookDirectory: notebookFile.deletingLastPathComponent(), outputDirectory: out, variables: variables)
        let html = NotebookHTMLRenderer(
            notebook: notebook, run: run, assets: assets, maxFiguresPerBlock: maxFiguresPerBlock, maxOutputLines: maxOutputLines).render()
        let markdown = NotebookMarkdownRenderer(
            notebook: notebook, run: run, assets: assets, maxFiguresPerBlock: maxFiguresPerBlock, maxOutputLines: maxOutputLines).render()
        let files = Files(
            html: out.appendingPathComponent("index.html"), markdown: out.appendingPathComponent(markdownName),
            json: out.appendingPathComponent("run.json"))
        do {
            try Data(html.utf8).write(to: files.html, options: .atomic)
            try Data(markdown.utf8).write(to: files.markdown, options: .atomic)
            try JSONCoding.encoder(snakeCaseKeys: true).encode(run).write(to: files.json, options: .atomic)
        } catch {
            throw NotebookError.outputNotWritable(path: out.path, reason: error.localizedDescription)
        }
        return files
    }
}
