import ActivationStore
import ArgumentParser
import Foundation
import SinkAnalysis

/// `sinkscope detect`: find sinks by one method on every chosen layer, write the masks into the store.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Detect sink tokens per layer and write the masks into the store (sink.{method}.{l}).",
        discussion: """
            Methods: norm (‖x‖ > tau, or --tau auto: calibrated per layer from a gap in the log-norm \
            histogram confirmed by a two-Gaussian fit; a layer without a separate high-norm mode gets no \
            sinks), relative (‖x‖ > k × the image's median patch norm), topk (k highest-norm patches), \
            attention (received attention > m × the uniform share, which is 1), massive (|x_d| > abs and \
            > ratio × the token's median |x|), sinkdim (max over sink dimensions of |x_d| / RMS(x) > tau).
            Defaults: \(DetectionMethod.defaultsText).
            Prefix tokens (CLS, registers) are left out of the masks unless --include-prefix, and are \
            always reported on their own.

            Examples:
              sinkscope detect --store /tmp/photos-store --method relative --k 3
              sinkscope detect --store /tmp/photos-store --method norm --tau auto \\
                --layers 6,9,12 --json
              sinkscope detect --store /tmp/photos-store --method attention --m 5 \\
                --include-prefix
            """)

    @Option(help: "The store directory (made by extract or import).")
    var store: String

    @Option(help: "Detection method: \(DetectionMethod.allCases.map(\.rawValue).joined(separator: "|")).")
    var method: String = "norm"

    @Option(help: "Threshold: a norm for 'norm' (or 'auto'), a score for 'sinkdim'.")
    var tau: String?

    @Option(help: "Ratio to the median patch norm for 'relative'; number of tokens for 'topk'.")
    var k: Double?

    @Option(help: "Multiple of the uniform received-attention share (1) for 'attention'.")
    var m: Double?

    @Option(help: "Absolute magnitude a massive dimension must exceed ('massive').")
    var abs: Double?

    @Option(help: "Multiple of the token's median |x| a massive dimension must exceed ('massive').")
    var ratio: Double?

    @Option(help: "Comma-separated sink dimensions for 'sinkdim' (default: discovered per layer).")
    var dims: String?

    @Option(help: "Layers: 'all' or a comma-separated list such as 0,4,8.")
    var layers: String = "all"

    @Flag(help: "Let prefix tokens (CLS, registers) be sinks in the masks.")
    var includePrefix = false

    @Flag(help: "Do not rank hidden dimensions at the sinks (skips reading hidden states for norm/attention methods).")
    var noDimensions = false

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    func validate() throws {
        _ = try parsedLayers()
        _ = try parsedDims()
        if tau == "auto", method != "norm" { throw ValidationError("--tau auto works only with --method norm.") }
    }

    /// The text `run()` prints (the per-layer table, or JSON).
    func output() throws -> String {
        let detector = try DetectionMethod(name: method).detector(
            tau: tau, k: k, m: m, abs: abs, ratio: ratio, dimensions: try parsedDims(), includePrefix: includePrefix)
        let reader = try StoreReader(url: URL(fileURLWithPath: store))
        let report = try SinkDetection.run(
            store: reader, detector: detector, layers: try parsedLayers(), rankDimensions: !noDimensions,
            progress: EnvironmentSettings.showsProgress(quiet: false))
        return json ? try report.json() : report.table()
    }

    func run() throws {
        print(try output())
    }

    /// nil for "all".
    func parsedLayers() throws -> [Int]? {
        if layers == "all" { return nil }
        let parts = layers.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("--layers '\(layers)' must be 'all' or comma-separated layer numbers such as 0,4,8.")
        }
        return parts.compactMap { $0 }
    }

    func parsedDims() throws -> [Int]? {
        guard let dims else { return nil }
        let parts = dims.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("--dims '\(dims)' must be comma-separated dimension indices such as 12,307.")
        }
        return parts.compactMap { $0 }
    }
}
