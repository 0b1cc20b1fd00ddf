import ArgumentParser
import VisionModels

/// What a forward pass stores besides hidden states and attention: `--capture values` (extract and intervene).
enum ExtraCapture: String, CaseIterable, ExpressibleByArgument {
    /// `value_norm.{l}` and `value_out.{l}` [n, T]: no-op vs broadcast sinks.
    case values
}

/// `--capture KIND`, shared by `extract` and `intervene`.
struct CaptureOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Also store: 'values' = per block each token's head-mean value-vector norm (value_norm.{l}) and the norm of what it adds to the attention output, averaged over queries (value_out.{l}).",
        valueName: "values"))
    var capture: [ExtraCapture] = []

    /// Sets the extraction's extra captures.
    func apply(to config: inout ExtractionConfig) {
        config.captureValues = capture.contains(.values)
    }
}
