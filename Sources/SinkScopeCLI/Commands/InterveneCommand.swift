import ArgumentParser
import Foundation
import SinkAnalysis
import VisionModels
import Workflow

/// `sinkscope intervene --model M --images DIR --out STORE --tokens SELECTOR --at LAYERS --do KIND`:
/// run a ViT with chosen tokens zeroed, mean-replaced or knocked out, into a store + effects.json.
struct InterveneCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intervene",
        abstract: "Run a ViT with chosen tokens ablated or knocked out; write the store and effects.json vs the clean run.",
        discussion: """
            Every batch runs twice: clean, then with the intervention; the intervened run is written \
            as an ordinary store (detect, probe and report read it unchanged) and effects.json beside \
            its manifest compares the two per layer (cosines of CLS, pooled and patch tokens, norm \
            changes, where the attention a knockout frees goes, the final output's change).

            --tokens: cls, registers, prefix, sinks:METHOD (found per image on the clean run at the \
            same layer with the detector options, e.g. sinks:attention --m 10 --include-prefix), or \
            tokens:3,17 (patch-grid positions, row-major from 0).
            --do zero: after block l the tokens' hidden.{l} is 0 (later blocks recompute them); mean: \
            replaced by the mean of the image's other patch tokens; knockout: in block l no other \
            query attends to them (logits −∞ before the softmax); none: the clean run (the store \
            equals extract's); test-time-register (Jiang et al. 2025; needs --neurons, no --tokens): one \
            extra zero token appended after the image's tokens, and at each --at layer (default: the \
            file's layers) the file's neurons of that block's MLP post-activation get, at the extra \
            token, the sign-aware max of those neurons over all tokens, and 0 at the patch tokens. The \
            store keeps the image's tokens as usual and the extra token as extra.hidden.{l}; effects.json \
            says per layer whether the outliers' norm and attention moved to it.
            --at: store layers (0 = embeddings, l = block l), 'all' for every layer the kind acts at.

            Example:
              sinkscope intervene --model dinov2-small --images ~/.cache/sinkscope/photos \\
                --out runs/cls-knockout --tokens cls --at 1,2,3,4,5,6,7,8,9,10,11 --do knockout --attention
              sinkscope neurons --model dinov2-small --images photos --top 10 --json > neurons.json
              sinkscope intervene --model dinov2-small --images photos --out runs/ttr \
                --do test-time-register --neurons neurons.json --attention
            """)

    @Option(help: "dinov2-small (built in) or the path of a HuggingFace model folder.")
    var model: String

    @Option(help: "A directory of images or a text file with one path per line.")
    var images: String

    @Option(help: "A labels CSV with a header 'image,<column>,...'.")
    var labels: String?

    @Option(help: "Which tokens: cls, registers, prefix, sinks:METHOD or tokens:3,17 (not with test-time-register).")
    var tokens: String?

    @Option(help: "With --do test-time-register: the register neurons, the JSON of 'sinkscope neurons --json' on this model.")
    var neurons: String?

    @Option(help: "Store layers to act at: 'all' or a comma list such as 1,2,3.")
    var at: LayerSelection = .all

    @Option(name: .customLong("do"), help: "What to do: none, zero, mean, knockout or test-time-register.")
    var action: String

    @Flag(help: "Store the attention received by each token, received.{l} [n, T].")
    var attention = false

    @Option(help: "Hidden-state dtype in the store: f16 or f32.")
    var dtype: String = "f16"

    @Option(help: "Images per forward pass (default: about 2048 tokens per batch, e.g. 8 at 224 px with patch 14, 4 at 336).")
    var batch: Int?

    @Option(help: "Threads for BLAS, decoding and attention.")
    var threads: Int = 2

    @OptionGroup(title: "Sink detection (for sinks:METHOD and the other sinks freed attention goes to)")
    var detectorOptions: DetectorOptions

    @OptionGroup var captureOptions: CaptureOptions

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        if let batch, batch < 1 { throw ValidationError("--batch must be at least 1, got \(batch).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
        guard dtype == "f16" || dtype == "f32" else { throw ValidationError("--dtype must be f16 or f32, got '\(dtype)'.") }
        guard let kind = InterventionKind(rawValue: action) else {
            throw ValidationError("--do must be one of \(InterventionKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(action)'.")
        }
        if kind == .testTimeRegister {
            guard neurons != nil else { throw ValidationError("--do test-time-register needs --neurons FILE (the JSON of 'sinkscope neurons --json').") }
            guard tokens == nil else { throw ValidationError("--do test-time-register selects no tokens (it appends its own); drop --tokens.") }
        } else {
            guard neurons == nil else { throw ValidationError("--neurons is only used by --do test-time-register.") }
            guard tokens != nil else { throw ValidationError("--do \(action) needs --tokens (cls, registers, prefix, sinks:METHOD or tokens:3,17).") }
        }
    }

    func output() throws -> String {
        let selector = try tokens.map { try TokenSelector(parsing: $0) } ?? .grid([])
        let ranking = try neurons.map { try NeuronRanking.read(URL(fileURLWithPath: $0)) }
        var options = detectorOptions
        if case .sinks(let method) = selector { options.method = method }
        let detector: (any SinkDetector)? = try options.detector()
        var extraction = ExtractionConfig(
            model: model, images: URL(fileURLWithPath: images), output: outputOptions.url,
            labels: labels.map { URL(fileURLWithPath: $0) }, receivedAttention: attention,
            hiddenDType: dtype == "f32" ? .f32 : .f16, batchSize: batch, threads: threads,
            progress: outputOptions.progress, cache: EnvironmentSettings.cache)
        captureOptions.apply(to: &extraction)
        var config = InterventionConfig(
            extraction: extraction, kind: InterventionKind(rawValue: action)!, selector: selector,
            layers: at.layers.map { Array(Set($0)).sorted() }, detector: detector)
        config.neurons = ranking
        config.neuronFile = neurons
        return try outputOptions.render(try InterventionRun.run(config))
    }

    func run() throws {
        print(try output())
    }
}

extension InterventionSummary: CommandOutput {
    var tableText: String { text }
}
