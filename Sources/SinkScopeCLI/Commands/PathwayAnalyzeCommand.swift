import ArgumentParser
import ReportKit
import SinkAnalysis

/// `sinkscope pathway [analyze] --store S --out DIR`: attention shares of ViT sinks vs ordinary
/// visual tokens per LLM layer, attention by ViT-norm bucket, norm–attention correlation, LLM sink
/// dimensions (propagated vs emerged), relevance maps; writes DIR/pathway.json, PNGs and pathway.html.
struct PathwayAnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Attention the LLM gives ViT sinks vs ordinary visual tokens, and the LLM sink dimensions (default subcommand).",
        discussion: """
            Per LLM layer with attention: each visual token's share of the layer's attention
            (received attention ÷ query rows), averaged over ViT sinks, LLM-emerged sinks
            (massive LLM activations on tokens that are not ViT sinks) and ordinary visual
            tokens; the ratios to ordinary tokens (the seed paper: ~7x for ViT sinks in
            LLaVA-1.5-7B); the share by ViT-norm quantile bucket; Spearman's rho between ViT
            norm and share. Per LLM hidden layer: the massive dimensions lit by propagated
            ViT sinks vs by LLM-emerged sinks. Writes DIR/pathway.json, DIR/pathway.html and
            its PNGs (share by layer, ratios, Spearman, share by norm, relevance maps).
            DIR is --out. Details: docs/lvlm.md.

            Examples:
              sinkscope pathway --store runs/llava --out runs/llava-pathway --tau 100
              sinkscope pathway --store runs/minilm --out /tmp/minilm-pathway \\
                --method relative --k 2 --llm-abs 20 --llm-ratio 20 --json
            """)

    @OptionGroup var input: StoreOptions

    @OptionGroup(title: "ViT sinks (on the LVLM's ViT layer)")
    var vit: DetectorOptions

    @OptionGroup var outputOptions: OutputOptions

    @Option(help: "LLM-emerged sinks: a massive dimension must exceed this magnitude (Sun et al.: 100).")
    var llmAbs: Double = 100

    @Option(help: "LLM-emerged sinks: and this multiple of the token's median |x| (Sun et al.: 1000).")
    var llmRatio: Double = 1000

    @Option(help: "Quantile buckets of the ViT norm.")
    var buckets: Int = 5

    @Option(help: "Images whose relevance maps are drawn.")
    var relevanceImages: Int = 4

    func validate() throws {
        try vit.validateForViTLayer()
        guard (1...100).contains(buckets) else { throw ValidationError("--buckets must be between 1 and 100, not \(buckets).") }
        guard relevanceImages >= 0 else { throw ValidationError("--relevance-images must be 0 or more, not \(relevanceImages).") }
    }

    /// The text `run()` prints (the table, or the JSON report).
    func output() throws -> String {
        let config = PathwayConfig(vitDetector: try vit.detector(), llmCriterion: MassiveDimensions(abs: llmAbs, ratio: llmRatio),
                                   buckets: buckets, relevanceImages: relevanceImages)
        let report = try PathwayAnalysis.run(store: try input.reader(), config: config, progress: outputOptions.progress)
        let files = try PathwayPage.write(report, to: outputOptions.url)
        return try outputOptions.render(Written(
            result: report, note: "wrote \(files.count) files to \(outputOptions.out) (pathway.json, pathway.html, \(files.count - 2) PNGs)"))
    }

    func run() throws {
        print(try output())
    }
}

extension PathwayReport: CommandOutput {
    var tableText: String { table() }
    func jsonText() throws -> String { try json() }
}
