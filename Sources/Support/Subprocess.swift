import Foundation

/// Runs a program to completion and captures what it prints: the one way the package starts
/// another process (benchmark drivers in Python, the notebook runner's commands, asset fetching).
public struct Subprocess: Sendable {
    /// The program, found on `PATH` through `/usr/bin/env` unless it is a path.
    public var program: String
    public var arguments: [String]
    /// Variables set on top of this process's environment (nil values are removed).
    public var environment: [String: String?]
    public var workingDirectory: URL?

    public init(_ program: String, _ arguments: [String], environment: [String: String?] = [:], workingDirectory: URL? = nil) {
        self.program = program
        self.arguments = arguments
        self.environment = environment
        self.workingDirectory = workingDirectory
    }

    /// What a finished run printed.
    public struct Output: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String

        /// The last non-empty line of stderr: the one sentence a failing command leaves.
        public var lastErrorLine: String {
            stderr.split(separator: "\n").last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }).map(String.init) ?? ""
        }
    }

    /// The command as a person would type it (for error messages).
    public var commandLine: String { ([program] + arguments).joined(separator: " ") }

    /// Runs the program and waits for it; both streams are read concurrently, so a chatty
    /// program cannot block on a full pipe.
    /// - Throws: the launch error when the program cannot be started.
    public func run() throws -> Output {
        let process = Process()
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let workingDirectory { process.currentDirectoryURL = workingDirectory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let errors = ErrorCollector()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errors.data = err.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: errors.data, as: UTF8.self))
    }

    /// Runs the program and decodes the JSON object it prints: the whole of stdout, or else its
    /// last line (drivers that log before their result).
    /// - Throws: `SubprocessError` when it fails or prints no such JSON.
    public func runJSON<T: Decodable>(_ type: T.Type) throws -> T {
        let decoder = JSONDecoder()
        return try firstJSON { try? decoder.decode(T.self, from: $0) }
    }

    /// `runJSON` for drivers whose result has no fixed schema: the object as `JSONSerialization` reads it.
    public func runJSONObject() throws -> [String: Any] {
        try firstJSON { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    /// Runs, checks the exit status, then tries the whole of stdout and its last line.
    private func firstJSON<T>(_ parse: (Data) -> T?) throws -> T {
        let output = try run()
        guard output.status == 0 else {
            throw SubprocessError.failed(command: commandLine, status: output.status, message: output.lastErrorLine)
        }
        for candidate in [output.stdout, output.stdout.split(separator: "\n").last.map(String.init) ?? ""] {
            if let value = parse(Data(candidate.utf8)) { return value }
        }
        throw SubprocessError.noJSON(command: commandLine, output: String(output.stdout.suffix(200)))
    }
}

/// Holds stderr while another queue reads it (written once, read after the semaphore).
private final class ErrorCollector: @unchecked Sendable {
    var data = Data()
}

/// A helper program that failed or printed nothing usable.
public enum SubprocessError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case failed(command: String, status: Int32, message: String)
    case noJSON(command: String, output: String)

    public var description: String {
        switch self {
        case .failed(let command, let status, let message):
            return "\(command) failed (exit \(status))\(message.isEmpty ? "" : ": \(message)")."
        case .noJSON(let command, let output):
            return "\(command) printed no JSON result (its output ends: \(output))."
        }
    }

    public var errorDescription: String? { description }
}
