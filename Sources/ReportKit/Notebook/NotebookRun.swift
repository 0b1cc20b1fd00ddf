import Foundation

/// What one run of a notebook produced: every command's output and the figures each block wrote.
/// Written beside the rendered notebook as `run.json` so scripts (and tests) can read it.
public struct NotebookRun: Sendable, Codable, Equatable {
    /// The notebook file as given.
    public var notebook: String
    /// The output directory (absolute); the HTML and markdown renderings live at its top.
    public var outputDirectory: String
    public var workingDirectory: String
    /// Variables in definition order, after substitution.
    public var variables: [Variable]
    /// The `sinkscope` blocks that ran (or started), in order.
    public var blocks: [BlockRun]
    /// The failure that stopped the run, as one sentence (nil when every block succeeded).
    public var failure: String?
    public var seconds: Double

    public init(notebook: String, outputDirectory: String, workingDirectory: String, variables: [Variable], blocks: [BlockRun],
                failure: String?, seconds: Double) {
        self.notebook = notebook
        self.outputDirectory = outputDirectory
        self.workingDirectory = workingDirectory
        self.variables = variables
        self.blocks = blocks
        self.failure = failure
        self.seconds = seconds
    }

    public struct Variable: Sendable, Codable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The run of block at `line`, if it ran.
    public func block(at line: Int) -> BlockRun? { blocks.first { $0.line == line } }
}

/// One `sinkscope` block's run.
public struct BlockRun: Sendable, Codable, Equatable {
    /// Line of the opening fence in the .md file.
    public var line: Int
    public var commands: [CommandRun]
    /// PNG files the block wrote under the output directory, relative to it, sorted.
    public var figures: [String]
    /// `index.html` files the block wrote under the output directory, relative to it.
    public var pages: [String]

    public init(line: Int, commands: [CommandRun], figures: [String], pages: [String]) {
        self.line = line
        self.commands = commands
        self.figures = figures
        self.pages = pages
    }

    public var succeeded: Bool { commands.allSatisfy { $0.status == 0 } }
}

/// One command's run.
public struct CommandRun: Sendable, Codable, Equatable {
    /// Line of the command in the .md file.
    public var line: Int
    /// The command as written in the notebook (variables not substituted).
    public var text: String
    /// The arguments passed to the binary after `sinkscope`, variables substituted.
    public var arguments: [String]
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var seconds: Double
    /// Where the full stdout and stderr were saved, relative to the output directory.
    public var stdoutFile: String
    public var stderrFile: String

    public init(line: Int, text: String, arguments: [String], status: Int32, stdout: String, stderr: String, seconds: Double,
                stdoutFile: String, stderrFile: String) {
        self.line = line
        self.text = text
        self.arguments = arguments
        self.status = status
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.stdoutFile = stdoutFile
        self.stderrFile = stderrFile
    }
}
