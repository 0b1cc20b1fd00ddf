import Foundation

/// Runs the Python of the reference tests (numpy, safetensors, scikit-learn, onnxruntime, torch,
/// transformers): `$SINKSCOPE_PYTHON` when set, else the repository's `.venv` that
/// `scripts/setup-python.sh` creates, else `python3` on the PATH. Tests skip, saying why, when
/// the modules they need cannot be imported.
public enum Python {
    /// The interpreter the tests use.
    public static var executable: String {
        if let p = ProcessInfo.processInfo.environment["SINKSCOPE_PYTHON"], !p.isEmpty { return p }
        let venv = Fixtures.repositoryRoot.appendingPathComponent(".venv/bin/python3").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }

    /// True when `python -c "import <modules>"` succeeds.
    public static func canImport(_ modules: [String]) -> Bool {
        (try? run(["-c", "import " + modules.joined(separator: ", ")]).status) == 0
    }

    /// The sentence a skipped test gives when `modules` are missing.
    public static func missing(_ modules: [String]) -> String {
        "\(executable) cannot import \(modules.joined(separator: ", ")) (scripts/setup-python.sh installs them from PyPI into .venv)"
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
}
