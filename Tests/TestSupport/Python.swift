import Foundation
import XCTest

/// Runs the Python of the reference tests (numpy, safetensors, scikit-learn, onnxruntime, torch,
/// transformers): `$SINKSCOPE_PYTHON` when set, else the repository's `.venv` that
/// `scripts/setup-python.sh` creates, else `python3` on the PATH.
///
/// A test that needs Python calls `try Python.require([...])` first. It skips only when
/// `scripts/setup-python.sh` recorded that the package registry could not be reached (the skip
/// message starts with `PyPI unreachable:`, which `scripts/test.sh` counts in its summary); a
/// missing module on a machine that reached the registry is a failure, not a skip.
public enum Python {
    /// The interpreter the tests use.
    public static var executable: String {
        if let p = ProcessInfo.processInfo.environment["SINKSCOPE_PYTHON"], !p.isEmpty { return p }
        let venv = venvPython.path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    static var venvPython: URL { Fixtures.repositoryRoot.appendingPathComponent(".venv/bin/python3") }

    /// Where `scripts/setup-python.sh` writes its outcome: `ok`, or `unreachable: <why>` when the
    /// registry could not be reached, or `failed: <why>`.
    public static var setupStatusFile: URL { Fixtures.repositoryRoot.appendingPathComponent(".venv/sinkscope-setup-status") }

    /// The prefix of every skip caused by an unreachable registry (scripts/test.sh counts them).
    public static let unreachablePrefix = "PyPI unreachable:"

    /// True when `python -c "import <modules>"` succeeds.
    public static func canImport(_ modules: [String]) -> Bool {
        let key = modules.joined(separator: ",")
        if let known = importCache.value(key) { return known }
        let ok = (try? run(["-c", "import " + modules.joined(separator: ", ")]).status) == 0
        importCache.set(key, ok)
        return ok
    }

    /// Returns when `modules` import; throws `XCTSkip` when the setup recorded an unreachable
    /// registry; otherwise throws `Missing`, which fails the test with what to run.
    public static func require(_ modules: [String]) throws {
        if canImport(modules) { return }
        let usesVenv = ProcessInfo.processInfo.environment["SINKSCOPE_PYTHON"].map(\.isEmpty) ?? true
        if usesVenv, let status = try? String(contentsOf: setupStatusFile, encoding: .utf8),
           status.hasPrefix("unreachable:") {
            let why = status.dropFirst("unreachable:".count).trimmingCharacters(in: .whitespacesAndNewlines)
            throw XCTSkip("\(unreachablePrefix) \(why); this test needs Python with \(modules.joined(separator: ", "))")
        }
        throw Missing(description: missing(modules))
    }

    /// A required module is missing although nothing says the registry was unreachable.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// The sentence a failing test gives when `modules` are missing.
    public static func missing(_ modules: [String]) -> String {
        let source = (ProcessInfo.processInfo.environment["SINKSCOPE_PYTHON"].map { $0.isEmpty } ?? true)
            ? "run scripts/setup-python.sh (it installs them from PyPI into .venv) or set SINKSCOPE_PYTHON"
            : "SINKSCOPE_PYTHON names an interpreter without them"
        return "\(executable) cannot import \(modules.joined(separator: ", ")): \(source)"
    }

    /// Runs `python arguments...`, returning the exit status and stdout+stderr.
    public static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        let python = executable
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python] + arguments
        }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private static let importCache = ImportCache()

    /// `import` answers per module list, so a suite asks the interpreter once.
    private final class ImportCache: @unchecked Sendable {
        private var answers: [String: Bool] = [:]
        private let lock = NSLock()
        func value(_ key: String) -> Bool? { lock.lock(); defer { lock.unlock() }; return answers[key] }
        func set(_ key: String, _ value: Bool) { lock.lock(); answers[key] = value; lock.unlock() }
    }
}
