import ArgumentParser
import Foundation

/// `--out`, `--json`, `--quiet`: where a command writes, how it prints, and whether it shows a
/// progress bar. Shared by every command that writes a store, a directory or a file.
///
/// Example:
///     sinkscope report --store runs/photos --out runs/photos-report --json --quiet
struct OutputOptions: ParsableArguments {
    @Option(help: "What to write: the store, directory or file the description above names.")
    var out: String

    @Flag(help: "Print the result as JSON on stdout instead of the summary.")
    var json = false

    @Flag(help: "No progress bar.")
    var quiet = false

    /// `--out` as a URL.
    var url: URL { URL(fileURLWithPath: out) }

    /// Whether the library should draw a progress bar on stderr (not with `--quiet` or `SINKSCOPE_NO_PROGRESS`).
    var progress: Bool { EnvironmentSettings.showsProgress(quiet: quiet) }

    /// What the command prints: the result's table, or its JSON with `--json`.
    func render(_ result: some CommandOutput) throws -> String {
        try result.text(json: json)
    }
}
