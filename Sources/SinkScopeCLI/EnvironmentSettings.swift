import Foundation

/// The environment variables SinkScope honours, read in one place: the command line passes their
/// values into the library, which never reads the environment itself.
///
/// - `SINKSCOPE_CACHE`: the asset cache (built-in model, sample photos); default `~/.cache/sinkscope`.
/// - `SINKSCOPE_FONT`: a TrueType file to draw text with, tried before the usual font folders.
/// - `SINKSCOPE_NO_PROGRESS`: set (to anything) to silence progress bars, as `--quiet` does.
/// - `SINKSCOPE_VECTOR_BASELINE`: set to anything but `0` to run the softmax and MLP nonlinearities
///   on the baseline SSE2 path where the CPU has AVX2 + FMA (to time or compare the two).
enum EnvironmentSettings {
    private static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// `$SINKSCOPE_CACHE`, or nil for the library's default.
    static var cache: URL? {
        guard let value = environment["SINKSCOPE_CACHE"], !value.isEmpty else { return nil }
        return URL(fileURLWithPath: value)
    }

    /// `$SINKSCOPE_FONT`, or nil.
    static var fontFile: String? {
        guard let value = environment["SINKSCOPE_FONT"], !value.isEmpty else { return nil }
        return value
    }

    /// Whether `SINKSCOPE_VECTOR_BASELINE` asks for the baseline elementwise loops.
    static var vectorBaseline: Bool {
        guard let value = environment["SINKSCOPE_VECTOR_BASELINE"], !value.isEmpty else { return false }
        return value != "0"
    }

    /// Whether progress bars may draw: not with `--quiet`, nor under `SINKSCOPE_NO_PROGRESS`.
    static func showsProgress(quiet: Bool) -> Bool { !quiet && environment["SINKSCOPE_NO_PROGRESS"] == nil }
}
