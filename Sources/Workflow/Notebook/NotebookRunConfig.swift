import ActivationStore
import SinkAnalysis
import ReportKit
import Foundation

/// Settings of one notebook run (`sinkscope notebook run`).
public struct NotebookRunConfig: Sendable {
    /// The notebook file (.md).
    public var notebook: URL
    /// Where the renderings, logs and everything the commands write with `{{out}}` go.
    /// Default: `Reports/notebooks/NAME/` under the working directory.
    public var outputDirectory: URL
    /// The directory commands run in: relative paths in the notebook resolve against it.
    public var workingDirectory: URL
    /// The binary that runs each command (the running `sinkscope` itself).
    public var executable: URL
    /// `--var KEY=VALUE` overrides of the notebook's variables.
    public var overrides: [String: String]
    /// The asset cache (`{{cache}}`), as `scripts/setup.sh` fills it.
    public var cache: URL
    /// At most this many figures are shown after a block unless the block says `figures=N`.
    public var maxFiguresPerBlock: Int
    /// Lines of each command's stdout kept in the rendering (the whole output is in `logs/`).
    public var maxOutputLines: Int
    /// Extra environment for the commands (the run always sets `SINKSCOPE_NO_PROGRESS=1`).
    public var environment: [String: String]

    public init(
        notebook: URL, outputDirectory: URL? = nil, workingDirectory: URL? = nil, executable: URL,
        overrides: [String: String] = [:], cache: URL, maxFiguresPerBlock: Int = 6, maxOutputLines: Int = 120,
        environment: [String: String] = [:]
    ) {
        let workdir = workingDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.notebook = notebook
        self.workingDirectory = workdir.standardizedFileURL
        self.outputDirectory = (outputDirectory ?? Self.defaultOutput(for: notebook, in: workdir)).standardizedFileURL
        self.executable = executable
        self.overrides = overrides
        self.cache = cache
        self.maxFiguresPerBlock = maxFiguresPerBlock
        self.maxOutputLines = maxOutputLines
        self.environment = environment
    }

    /// `Reports/notebooks/NAME` (NAME: the notebook's file name without `.md`).
    public static func defaultOutput(for notebook: URL, in workdir: URL) -> URL {
        workdir.appendingPathComponent("Reports/notebooks").appendingPathComponent(name(of: notebook))
    }

    public static func name(of notebook: URL) -> String { notebook.deletingPathExtension().lastPathComponent }

    /// The running executable: `/proc/self/exe` on Linux, else `argv[0]` made absolute.
    public static func currentExecutable() -> URL {
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: target)
        }
        let argv0 = CommandLine.arguments.first ?? "sinkscope"
        if argv0.contains("/") {
            return URL(fileURLWithPath: argv0, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
        }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(dir)).appendingPathComponent(argv0)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: argv0)
    }
}
