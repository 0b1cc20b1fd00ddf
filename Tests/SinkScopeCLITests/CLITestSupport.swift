import Foundation
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// Runs commands in-process (parse like the shell would, then call the command's output) and,
/// where a test needs a real exit code or a process to kill, the built `sinkscope` binary.
enum CLI {
    /// Parses `arguments` as `sinkscope ARGS...` and returns the command's stdout text.
    static func output(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(arguments)
        switch command {
        case let c as InspectCommand: return try c.output()
        case let c as ImportCommand: return try c.output()
        case let c as SynthCommand: return try c.output()
        case let c as ExtractCommand: return try c.output()
        case let c as MergeCommand: return try c.output()
        case let c as DetectCommand: return try c.output()
        case let c as ProbeCommand: return try c.output()
        default: XCTFail("unexpected command \(type(of: command))"); return ""
        }
    }

    /// The message ArgumentParser would print for `error` (what users see after "Error: ").
    static func message(_ error: Error) -> String { SinkScopeCommand.message(for: error) }

    /// The `sinkscope` executable the CLI tests run: `$SINKSCOPE_BINARY` when set (scripts/test.sh
    /// points it at the release build, which runs the notebooks' probe suites ~30x faster), else
    /// the one built beside the test bundle, if it was built.
    static var binary: URL? {
        if let path = optimizedBinary?.path, FileManager.default.isExecutableFile(atPath: path) { return URL(fileURLWithPath: path) }
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("sinkscope")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        let debug = Fixtures.repositoryRoot.appendingPathComponent(".build/debug/sinkscope")
        return FileManager.default.isExecutableFile(atPath: debug.path) ? debug : nil
    }

    /// `$SINKSCOPE_BINARY`, when set: an optimised build of the same sources.
    static var optimizedBinary: URL? {
        ProcessInfo.processInfo.environment["SINKSCOPE_BINARY"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) }
    }

    /// Runs the binary to completion: exit status, stdout, stderr. `environment` is added to this
    /// process's environment.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard let binary else { throw XCTSkip("the sinkscope binary is not built") }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(["SINKSCOPE_NO_PROGRESS": "1"]) { $1 }.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    static let exampleDump = Fixtures.url("example/example_dump.npz").path
    static let exampleLabels = Fixtures.url("example/example_labels.csv").path
}
