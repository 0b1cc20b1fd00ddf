import ArgumentParser
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

    @OptionGroup var input: StoreOptions

    @OptionGroup var detection: DetectorOptions

    @Option(help: "Layers: 'all' or a comma-separated list such as 0,4,8.")
    var layers: LayerSelection = .all

    @Flag(help: "Do not rank hidden dimensions at the sinks (skips reading hidden states for norm/attention methods).")
    var noDimensions = false

    @Flag(help: "Print the report as JSON on stdout.")
    var json = false

    /// The text `run()` prints (the per-layer table, or JSON).
    func output() throws -> String {
        let detector = try detection.detector()
        let report = try SinkDetection.run(
            store: try input.reader(), detector: detector, layers: layers.layers, rankDimensions: !noDimensions,
            progress: EnvironmentSettings.showsProgress(quiet: false))
        return try report.text(json: json)
    }

    func run() throws {
        print(try output())
    }
}

extension DetectionReport: CommandOutput {
    var tableText: String { table() }
    func jsonText() throws -> String { try json() }
}
