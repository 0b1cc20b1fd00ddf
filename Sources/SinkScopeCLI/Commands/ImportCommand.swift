import ActivationStore
import ArgumentParser
import Foundation

/// `sinkscope import FILE... --out STORE`: hidden-state dumps (e.g. from PyTorch) → a store.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn dumps of hidden states (.npz, .safetensors, .npy) into a store.",
        discussion: """
            --out is the store directory to create (see --resume and --overwrite when it exists).

            Accepted layouts (several files are concatenated along the image axis):
              hidden_states      [L+1, n, T, D]   HF output_hidden_states, stacked
              hidden_states.{l}  [n, T, D]        one array per layer l
              FILE.npy           [L+1, n, T, D]   the stacked array alone
              attentions         [L, n, H, T, T]  optional, HF output_attentions
              image_ids          [n]              optional strings or integers
            attentions[i] is the attention inside block i+1: it is stored as
            received.{i+1} (head-mean column sum), and whole as attn.{i+1} with
            --keep-attention. In a .safetensors dump, image_ids is a JSON list of
            strings in the __metadata__ key "image_ids". Images without ids are
            named 0..n-1. T = 1 + a square is read as CLS + a square grid;
            otherwise give --prefix-tokens and/or --grid. labels.csv has a header
            image,<column>,... whose image values are the image ids.
            Details: docs/store.md.

            \(LVLMImportArguments.layoutHelp)

            Examples:
              sinkscope import Tests/Fixtures/example/example_dump.npz \\
                --out runs/example-store \\
                --labels Tests/Fixtures/example/example_labels.csv --overwrite
              sinkscope import batch0.npz batch1.npz --out runs/dinov2-reg \\
                --prefix-tokens 5 --dtype f32
              sinkscope import --lvlm llava_dump.npz --out runs/llava \\
                --model-name llava-1.5-7b
            """)

    @Argument(help: "Dump files (.npz, .safetensors or .npy).")
    var files: [String]

    @Option(help: "A labels CSV with a header 'image,<column>,...'.")
    var labels: String?

    @Flag(help: "Also store whole attention maps attn.{l} [n, H, T, T] (large).")
    var keepAttention = false

    @Option(help: "Prefix tokens (CLS + registers) before the patch tokens; inferred when T = 1 + a square.")
    var prefixTokens: Int?

    @Option(help: "Patch grid as RxC (e.g. 16x16); inferred when T = 1 + a square.")
    var grid: String?

    @Option(help: "Model name recorded in the store (default: the first file's name).")
    var modelName: String?

    @Option(help: "Hidden-state dtype in the store: f16 or f32.")
    var dtype: String = "f16"

    @Option(help: "Patch size in pixels, recorded in the manifest (0 = unknown).")
    var patchSize: Int = 0

    @Option(help: "Input image size in pixels, recorded in the manifest (0 = unknown).")
    var imageSize: Int = 0

    @Option(help: "Images per shard file (bounds memory while writing).")
    var shardSize: Int = 64

    @Flag(help: "Append to an existing store, skipping image ids it already holds.")
    var resume = false

    @Flag(help: "Replace an existing store at --out (the new one is swapped in only when complete).")
    var overwrite = false

    @OptionGroup var outputOptions: OutputOptions

    @OptionGroup(title: "LVLM dumps")
    var lvlmArguments: LVLMImportArguments

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("Give at least one dump file to import.") }
        guard dtype == "f16" || dtype == "f32" else { throw ValidationError("--dtype must be f16 or f32, not '\(dtype)'.") }
        guard !(resume && overwrite) else { throw ValidationError("--resume and --overwrite exclude each other.") }
        guard shardSize >= 1 else { throw ValidationError("--shard-size must be at least 1, not \(shardSize).") }
        if let prefixTokens, prefixTokens < 0 { throw ValidationError("--prefix-tokens must be 0 or more, not \(prefixTokens).") }
        if let grid, Self.parseGrid(grid) == nil { throw ValidationError("--grid must look like 16x16 (rows x cols), not '\(grid)'.") }
        try lvlmArguments.check(resume: resume, keepAttention: keepAttention, prefixTokens: prefixTokens)
    }

    static func parseGrid(_ text: String) -> [Int]? {
        let parts = text.lowercased().split(separator: "x").compactMap { Int($0) }
        return parts.count == 2 && parts.allSatisfy { $0 > 0 } ? parts : nil
    }

    /// The import this command asks for.
    var options: ImportOptions {
        var o = ImportOptions(inputs: files.map { URL(fileURLWithPath: $0) }, output: outputOptions.url)
        o.labels = labels.map { URL(fileURLWithPath: $0) }
        o.keepAttention = keepAttention
        o.prefixTokens = prefixTokens
        o.grid = grid.flatMap(Self.parseGrid)
        o.modelName = modelName
        o.patchSize = patchSize
        o.imageSize = imageSize
        o.hiddenDType = dtype == "f32" ? .f32 : .f16
        o.imagesPerShard = shardSize
        o.resume = resume
        o.overwrite = overwrite
        o.showProgress = outputOptions.progress
        return o
    }

    /// The text `run()` prints.
    func output() throws -> String {
        if lvlmArguments.lvlm { return try outputOptions.render(try LVLMImporter.run(try lvlmOptions)) }
        return try outputOptions.render(try Importer.run(options))
    }

    func run() throws {
        print(try output())
    }
}

extension ImportSummary: CommandOutput {
    var tableText: String {
        let received = receivedLayers.isEmpty ? "no attention" : "received attention at layers \(receivedLayers.map(String.init).joined(separator: ","))"
        return """
            imported \(imported) image\(imported == 1 ? "" : "s")\(skipped > 0 ? " (\(skipped) already in the store)" : "") into \(store)
            model \(model.name): layers \(capturedLayers.map(String.init).joined(separator: ",")), T=\(model.tokens) (\(model.prefixTokens) prefix + \(model.grid[0])x\(model.grid[1])), D=\(model.hiddenSize), hidden \(hiddenDType.rawValue), \(received)
            store: \(totalImages) images in \(shards) shard\(shards == 1 ? "" : "s")
            """
    }
}
