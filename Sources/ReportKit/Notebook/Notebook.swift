import Foundation

/// A markdown notebook: prose, ordinary code blocks, `sinkscope` command blocks and the
/// `sinkscope-vars` block of default variables, in file order.
///
/// The syntax (documented in `docs/notebooks.md` and at the top of every notebook):
///
///     ```sinkscope-vars
///     images = 12                      # default; override with --var images=4
///     store = {{out}}/store            # may use earlier variables and the built-ins
///     ```
///
///     ```sinkscope
///     sinkscope synth --out {{out}}/synth --count {{images}}
///     sinkscope inspect {{store}} \
///         --json                       # a trailing backslash continues the command
///     ```
///
/// Every non-blank line of a `sinkscope` block that does not start with `#` is one command and
/// must start with the word `sinkscope`; the runner calls the sinkscope binary with the rest.
public struct Notebook: Sendable, Equatable {
    /// Where the notebook was read from (for messages); may be a placeholder for in-memory text.
    public var source: String
    public var cells: [Cell]

    public init(source: String, cells: [Cell]) {
        self.source = source
        self.cells = cells
    }

    /// One piece of a notebook, in file order.
    public enum Cell: Sendable, Equatable {
        /// Prose between code blocks, as written (markdown). `line` is its first line (1-based).
        case markdown(text: String, line: Int)
        /// A fenced code block that is not run (python, bash, math, ...), shown as is.
        case code(language: String, text: String, line: Int)
        /// A fenced `sinkscope` block: commands run in order.
        case commands(CommandBlock)
        /// The fenced `sinkscope-vars` block: default values of the notebook's variables.
        case variables(VariablesBlock)
    }

    /// The `sinkscope` blocks in order.
    public var commandBlocks: [CommandBlock] {
        cells.compactMap { if case .commands(let block) = $0 { return block } else { return nil } }
    }

    /// The default variables of every `sinkscope-vars` block, in order.
    public var declaredVariables: [VariableDeclaration] {
        cells.flatMap { cell -> [VariableDeclaration] in
            if case .variables(let block) = cell { return block.declarations } else { return [] }
        }
    }
}

/// A fenced `sinkscope` block.
public struct CommandBlock: Sendable, Equatable {
    /// Line of the opening fence in the .md file (1-based).
    public var line: Int
    /// The block's text as written (between the fences), for display.
    public var text: String
    public var commands: [BlockCommand]
    /// `figures=N` in the fence's info string: at most N figures shown after the block (0: none);
    /// nil for the renderer's default.
    public var maxFigures: Int?

    public init(line: Int, text: String, commands: [BlockCommand], maxFigures: Int? = nil) {
        self.line = line
        self.text = text
        self.commands = commands
        self.maxFigures = maxFigures
    }
}

/// One command of a block: its words after `sinkscope`, before variable substitution.
public struct BlockCommand: Sendable, Equatable {
    /// Line in the .md file where the command starts (1-based).
    public var line: Int
    /// The command as written, continuation lines joined with a space (without the backslashes).
    public var text: String
    /// The shell-style words after the leading `sinkscope`, quotes removed, `{{variables}}` kept.
    public var arguments: [String]

    public init(line: Int, text: String, arguments: [String]) {
        self.line = line
        self.text = text
        self.arguments = arguments
    }
}

/// The fenced `sinkscope-vars` block: `name = value` lines.
public struct VariablesBlock: Sendable, Equatable {
    public var line: Int
    public var text: String
    public var declarations: [VariableDeclaration]

    public init(line: Int, text: String, declarations: [VariableDeclaration]) {
        self.line = line
        self.text = text
        self.declarations = declarations
    }
}

/// `name = value` in a `sinkscope-vars` block; `value` may use `{{earlier}}` variables.
public struct VariableDeclaration: Sendable, Equatable {
    public var name: String
    public var value: String
    public var line: Int

    public init(name: String, value: String, line: Int) {
        self.name = name
        self.value = value
        self.line = line
    }
}
