import ActivationStore
import ArgumentParser
import Foundation
import SinkAnalysis

/// The options of `sinkscope import --lvlm` (pulled into `ImportCommand` with `@OptionGroup`).
struct LVLMImportArguments: ParsableArguments {
    @Flag(help: "The files are LVLM dumps (ViT patch states + the LLM's attention and hidden states at the visual positions).")
    var lvlm = false

    @Option(help: "With --lvlm: HF hidden-state index of the ViT layer the LVLM uses (LLaVA-1.5: 23); default: the dump's vit_layer.")
    var vitLayer: Int?

    @Option(help: "With --lvlm: number of ViT blocks Lv; default: the dump's vit_blocks, else --vit-layer.")
    var vitBlocks: Int?

    @Option(help: "With --lvlm: LLM hidden layers to keep, 'all' or a list such as 0,16,32.")
    var llmLayers: LayerSelection = .all

    /// The layout summary shown in `sinkscope import --help`.
    static let layoutHelp = """
        LVLM dumps (--lvlm; details and the PyTorch snippet: docs/lvlm.md):
          vit_hidden             [n, P, Dv]        ViT patches at the LVLM's layer
                                 (LLaVA: vision tower hidden_states[-2][:, 1:])
          vit_hidden_states      [Lv+1, n, Tv, Dv] or the whole ViT stack
          vit_layer, vit_blocks  scalars           HF index of that layer; Lv
          llm_attention_received [Lm, n, S]        head-mean column sums, or
          llm_attentions         [Lm, n, H, S, S]  the attentions to sum
          llm_hidden_visual      [Lm+1, n, P, Dm]  LLM states at visual positions,
          llm_hidden_states      [Lm+1, n, S, Dm]  or over the whole sequence
          visual_positions       [n, P]            LLM position of patch p, or
          image_token_start      [n] or scalar     position = start + p (LLaVA)
          query_start            [n] or scalar     sum attention over rows >= it
          sequence_lengths       [n]               real tokens (right padding)
          image_ids [n], lvlm_name                 optional
        The ViT layer becomes hidden.{l} (a square grid, prefix 0 for
        vit_hidden), so detect works on it; the LLM side becomes
        llm.received.{l} [n, P], llm.hidden.{l} [n, P, Dm] and
        llm.visual_positions [n, P]. Several files may differ in S.
        """

    func validate() throws {
        if let vitLayer, vitLayer < 0 { throw ValidationError("--vit-layer must be 0 or more, not \(vitLayer).") }
        if let vitBlocks, vitBlocks < 0 { throw ValidationError("--vit-blocks must be 0 or more, not \(vitBlocks).") }
    }

    /// Options that only make sense with --lvlm, or that --lvlm cannot honour.
    func check(resume: Bool, keepAttention: Bool, prefixTokens: Int?) throws {
        if lvlm {
            if resume { throw ValidationError("--resume is not supported with --lvlm; import all dumps in one run (or use --overwrite).") }
            if keepAttention { throw ValidationError("--keep-attention is not supported with --lvlm; the LLM attention is stored as received attention.") }
            if prefixTokens != nil { throw ValidationError("--prefix-tokens does not apply with --lvlm; the prefix is the ViT tokens beyond the P visual tokens.") }
        } else if vitLayer != nil || vitBlocks != nil || llmLayers != .all {
            throw ValidationError("--vit-layer, --vit-blocks and --llm-layers need --lvlm.")
        }
    }
}

extension ImportCommand {
    /// The LVLM import this command asks for.
    var lvlmOptions: LVLMImportOptions {
        get throws {
            var o = LVLMImportOptions(inputs: files.map { URL(fileURLWithPath: $0) }, output: outputOptions.url)
            o.labels = labels.map { URL(fileURLWithPath: $0) }
            o.grid = grid.flatMap(Self.parseGrid)
            o.name = modelName
            o.vitLayer = lvlmArguments.vitLayer
            o.vitBlocks = lvlmArguments.vitBlocks
            o.llmLayers = lvlmArguments.llmLayers.layers
            o.hiddenDType = dtype == "f32" ? .f32 : .f16
            o.maxImagesPerShard = shardSize
            o.overwrite = overwrite
            o.showProgress = outputOptions.progress
            return o
        }
    }
}

extension LVLMImportSummary: CommandOutput {
    var tableText: String {
        let m = model, v = lvlm
        func list(_ l: [Int]) -> String { l.isEmpty ? "none" : l.map(String.init).joined(separator: ",") }
        return """
            imported \(imported) image\(imported == 1 ? "" : "s") of LVLM \(v.name) into \(store)
            ViT: layers \(list(capturedLayers)) (the LVLM uses hidden.\(v.visionLayer)), T=\(m.tokens) (\(m.prefixTokens) prefix + \(m.grid[0])x\(m.grid[1]) visual tokens), D=\(m.hiddenSize), hidden \(hiddenDType.rawValue)
            LLM: \(v.llmLayers) blocks, received attention at layers \(list(v.llmReceivedLayers)) (from \(v.receivedSource)), hidden states at layers \(list(v.llmHiddenLayers)) (Dm=\(v.llmHiddenSize))
            store: \(shards) shard\(shards == 1 ? "" : "s")
            """
    }
}
