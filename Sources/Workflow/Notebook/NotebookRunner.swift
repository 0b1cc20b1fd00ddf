import ActivationStore
import SinkAnalysis
import ReportKit
import Support
import Foundation

/// Runs the `sinkscope` blocks of a notebook in order, each command as a subprocess of the
/// sinkscope binary in the working directory, and records outputs and figures.
///
/// The first command that exits non-zero (or cannot start, or uses an undefined variable) stops
/// the run; the outcome then carries an error naming the command's line in the .md file.
public struct NotebookRunner: Sendable {
    public let config: NotebookRunConfig

    /// The name of the file that marks a directory as a notebook output, so a rerun may clear it.
    public static let markerName = ".sinkscope-notebook"

    public init(config: NotebookRunConfig) { self.config = config }

    /// The run, and the error that stopped it (nil when every block succeeded).
    public struct Outcome: Sendable {
        public var notebook: Notebook
        public var run: NotebookRun
        /// The resolved variables (nil when they could not be resolved).
        public var variables: NotebookVariables?
        public var error: NotebookError?
    }

    /// Parses and runs the notebook. `log` receives one line per command as it starts and ends.
    /// - Throws: `NotebookError` when the notebook cannot be parsed or the output directory
    ///   cannot be prepared (nothing has run then); failures of commands are in the outcome.
    public func run(log: (String) -> Void = { _ in }) throws -> Outcome {
        let notebook = try NotebookParser.parse(url: config.notebook)
        try prepareOutputDirectory()
        let started = Date()
        let out = config.outputDirectory
        let builtIns = [
            ("out", out.path), ("notebook_dir", config.notebook.deletingLastPathComponent().standardizedFileURL.path),
            ("workdir", config.workingDirectory.path), ("cache", config.cache.path),
        ]
        var run = NotebookRun(
            notebook: config.notebook.path, outputDirectory: out.path, workingDirectory: config.workingDirectory.path,
            variables: [], blocks: [], failure: nil, seconds: 0)
        let variables: NotebookVariables
        do {
            variables = try NotebookVariables(notebook: notebook, builtIns: builtIns, overrides: config.overrides)
        } catch let error as NotebookError {
            run.failure = error.description
            return Outcome(notebook: notebook, run: run, variables: nil, error: error)
        }
        run.variables = variables.order.map { NotebookRun.Variable(name: $0, value: variables.values[$0] ?? "") }

        var failure: NotebookError?
        var collector = FigureCollector(outputDirectory: out, workingDirectory: config.workingDirectory, since: started)
        blocks: for block in notebook.commandBlocks {
            let blockStart = Date()
            var blockRun = BlockRun(line: block.line, commands: [], figures: [], pages: [])
            for command in block.commands {
                do {
                    let arguments = try command.arguments.map {
                        try variables.substitute($0, line: command.line, source: config.notebook.path)
                    }
                    log("line \(command.line): sinkscope \(arguments.map(ShellWords.quote).joined(separator: " "))")
                    let result = try execute(command, arguments: arguments)
                    blockRun.commands.append(result)
                    log("line \(command.line): exit \(result.status) after \(String(format: "%.1f", result.seconds)) s")
                    if result.status != 0 {
                        failure = .blockFailed(
                            path: config.notebook.path, blockLine: block.line, commandLine: command.line,
                            command: command.text, status: result.status, lastError: Self.lastLine(of: result.stderr))
                        break
                    }
                } catch let error as NotebookError {
                    failure = error
                    break
                }
            }
            collector.since = blockStart
            let found = collector.collect(arguments: blockRun.commands.flatMap(\.arguments))
            blockRun.figures = found.figures
            blockRun.pages = found.pages
            run.blocks.append(blockRun)
            if failure != nil { break blocks }
        }
        run.failure = failure?.description
        run.seconds = Date().timeIntervalSince(started)
        return Outcome(notebook: notebook, run: run, variables: variables, error: failure)
    }

    // MARK: - Subprocess

    /// Runs `sinkscope ARGUMENTS` with stdout and stderr going to log files (files, not pipes,
    /// so a chatty command can never block on a full pipe).
    func execute(_ command: BlockCommand, arguments: [String]) throws -> CommandRun {
        let logs = config.outputDirectory.appendingPathComponent("logs")
        let stdoutName = "logs/line-\(command.line).stdout.txt"
        let stderrName = "logs/line-\(command.line).stderr.txt"
        let stdoutURL = config.outputDirectory.appendingPathComponent(stdoutName)
        let stderrURL = config.outputDirectory.appendingPathComponent(stderrName)
        do {
            try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
            _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        } catch {
            throw NotebookError.outputNotWritable(path: logs.path, reason: error.localizedDescription)
        }
        let process = Process()
        process.executableURL = config.executable
        process.arguments = arguments
        process.currentDirectoryURL = config.workingDirectory
        process.environment = ProcessInfo.processInfo.environment
            .merging(config.environment) { $1 }
            .merging(["SINKSCOPE_NO_PROGRESS": "1"]) { $1 }
        let start = Date()
        do {
            let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
            let stderrHandle = try FileHandle(forWritingTo: stderrURL)
            defer { try? stdoutHandle.close(); try? stderrHandle.close() }
            process.standardOutput = stdoutHandle
            process.standardError = stderrHandle
            process.standardInput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
        } catch {
            throw NotebookError.launchFailed(
                path: config.notebook.path, line: command.line, executable: config.executable.path,
                reason: error.localizedDescription)
        }
        let read = { (url: URL) in String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self) }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return CommandRun(
            line: command.line, text: command.text, arguments: arguments, status: status,
            stdout: read(stdoutURL), stderr: read(stderrURL), seconds: Date().timeIntervalSince(start),
            stdoutFile: stdoutName, stderrFile: stderrName)
    }

    /// The line of a command's stderr that says what went wrong: the last `Error: ...` line
    /// (ArgumentParser may follow it with usage text), else the last non-blank line.
    static func lastLine(of text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return lines.last { $0.hasPrefix("Error:") } ?? lines.last ?? ""
    }

    // MARK: - Output directory

    /// Creates the output directory, or empties it when it holds a previous notebook run (marked
    /// by `.sinkscope-notebook`). Refuses a non-empty directory without the marker, so a wrong
    /// `--out` never deletes someone's files.
    func prepareOutputDirectory() throws {
        let fm = FileManager.default
        let out = config.outputDirectory
        do {
            if fm.fileExists(atPath: out.path) {
                let contents = try fm.contentsOfDirectory(atPath: out.path)
                if !contents.isEmpty {
                    guard contents.contains(Self.markerName) else {
                        throw NotebookError.outputNotWritable(
                            path: out.path,
                            reason: "it is not empty and was not written by a notebook run; choose another --out or empty it")
                    }
                    for name in contents { try fm.removeItem(at: out.appendingPathComponent(name)) }
                }
            }
            try fm.createDirectory(at: out, withIntermediateDirectories: true)
            try Data("written by sinkscope notebook run \(config.notebook.path)\n".utf8)
                .write(to: out.appendingPathComponent(Self.markerName))
        } catch let error as NotebookError {
            throw error
        } catch {
            throw NotebookError.outputNotWritable(path: out.path, reason: error.localizedDescription)
        }
    }
}
