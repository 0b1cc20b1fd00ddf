import Foundation

/// What can go wrong reading, running or rendering a notebook. Every case names the notebook
/// file and, where there is one, the line of the .md file.
public enum NotebookError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case unreadable(path: String, reason: String)
    case unclosedBlock(path: String, line: Int)
    case notASinkscopeCommand(path: String, line: Int, firstWord: String)
    case unterminatedQuote(path: String, line: Int)
    case danglingContinuation(path: String, line: Int)
    case badVariableLine(path: String, line: Int, text: String)
    case unknownVariable(path: String, line: Int, name: String, known: [String])
    case badOverride(text: String)
    case blockFailed(path: String, blockLine: Int, commandLine: Int, command: String, status: Int32, lastError: String)
    case launchFailed(path: String, line: Int, executable: String, reason: String)
    case outputNotWritable(path: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason):
            return "The notebook \(path) cannot be read: \(reason)."
        case let .unclosedBlock(path, line):
            return "\(path):\(line): the sinkscope block opened here is never closed with a matching fence."
        case let .notASinkscopeCommand(path, line, word):
            return "\(path):\(line): every command in a sinkscope block must start with the word 'sinkscope', this one starts with '\(word)'."
        case let .unterminatedQuote(path, line):
            return "\(path):\(line): the command has a quote that is never closed."
        case let .danglingContinuation(path, line):
            return "\(path):\(line): the command ends with a backslash continuation but the block ends there."
        case let .badVariableLine(path, line, text):
            return "\(path):\(line): a sinkscope-vars line must read 'name = value' (name: letters, digits, _), got '\(text)'."
        case let .unknownVariable(path, line, name, known):
            return "\(path):\(line): the variable {{\(name)}} is not defined (defined: \(known.joined(separator: ", ")))."
        case let .badOverride(text):
            return "--var '\(text)' must read KEY=VALUE with KEY made of letters, digits and _."
        case let .blockFailed(path, blockLine, commandLine, command, status, lastError):
            let why = lastError.isEmpty ? "" : ": \(lastError)"
            return "\(path):\(commandLine): the sinkscope block at line \(blockLine) failed: '\(command)' exited with status \(status)\(why)"
        case let .launchFailed(path, line, executable, reason):
            return "\(path):\(line): could not start \(executable): \(reason)."
        case let .outputNotWritable(path, reason):
            return "The notebook output \(path) cannot be written: \(reason)."
        }
    }

    public var errorDescription: String? { description }
}
