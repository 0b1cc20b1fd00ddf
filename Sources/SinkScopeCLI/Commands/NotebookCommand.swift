import Workflow
import ArgumentParser
import Foundation
import ReportKit
import VisionModels

/// `sinkscope notebook`: markdown notebooks whose `sinkscope` blocks run.
struct NotebookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notebook",
        abstract: "Run markdown notebooks (Notebooks-md/*.md) and render them with their outputs.",
        subcommands: [Run.self])

    /// `sinkscope notebook run NOTEBOOK.md`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Run a notebook's sinkscope blocks in order and render it with outputs to HTML and markdown.",
            discussion: """
                A notebook is markdown. Fenced blocks whose info string is `sinkscope` hold one command per \
                line (each starting with the word sinkscope; a trailing backslash continues a line; `#` \
                starts a comment); they run in order, as subprocesses of this binary, in the working \
                directory, so relative paths in the notebook resolve against it. `{{name}}` is replaced by \
                a variable: the built-ins {{out}} (the output directory), {{cache}} (the asset cache of \
                scripts/setup.sh), {{workdir}} and {{notebook_dir}}, and the `name = value` lines of a \
                `sinkscope-vars` block, which --var overrides. A block may say `figures=N` after \
                `sinkscope` to show at most N of the PNGs it wrote.

                Writes OUT/index.html (static: no scripts, no network, images relative), OUT/NAME.md, \
                OUT/run.json (every command's arguments, exit status, time and figures) and OUT/logs/ (full \
                output of each command). A command that fails stops the run; the renderings are still \
                written and the error names the command's line in the .md file. OUT is emptied first if a \
                previous notebook run wrote it; any other non-empty directory is refused. See \
                docs/notebooks.md.

                Examples:
                  sinkscope notebook run Notebooks-md/01-finding-sinks.md
                  sinkscope notebook run Notebooks-md/02-what-sinks-know.md \\
                    --var images=40 --out /tmp/nb02
                """)

        @Argument(help: "The notebook (.md file).")
        var notebook: String

        @Option(help: "Output directory (default: Reports/notebooks/NAME under the working directory).")
        var out: String?

        @Option(name: .customLong("var"), help: "Set a notebook variable, KEY=VALUE (repeatable); overrides the notebook's default.")
        var variables: [String] = []

        @Option(help: "Directory the commands run in (default: the current directory).")
        var workdir: String?

        @Flag(help: "Print the run (every command, status, time, figures) as JSON.")
        var json = false

        func validate() throws {
            _ = try NotebookVariables.parseOverrides(variables)
        }

        func run() throws {
            let config = NotebookRunConfig(
                notebook: URL(fileURLWithPath: notebook),
                outputDirectory: out.map { URL(fileURLWithPath: $0) },
                workingDirectory: workdir.map { URL(fileURLWithPath: $0) },
                executable: NotebookRunConfig.currentExecutable(),
                overrides: try NotebookVariables.parseOverrides(variables),
                cache: ModelResolver(cache: EnvironmentSettings.cache).cache)
            let result = try NotebookSession.run(config) { line in
                FileHandle.standardError.write(Data("[notebook] \(line)\n".utf8))
            }
            print(try result.text(json: json))
        }
    }
}

extension NotebookSession.Result: CommandOutput {
    var tableText: String {
        let commands = run.blocks.reduce(0) { $0 + $1.commands.count }
        let figures = run.blocks.reduce(0) { $0 + $1.figures.count }
        return """
            ran \(run.blocks.count) blocks (\(commands) commands, \(figures) figures) in \(String(format: "%.1f", run.seconds)) s
            html: \(html.path)
            markdown: \(markdown.path)
            """
    }

    /// The run.json the session wrote, as written.
    func jsonText() throws -> String { String(decoding: try Data(contentsOf: json), as: UTF8.self) }
}
