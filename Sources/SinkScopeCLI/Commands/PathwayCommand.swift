import ArgumentParser

/// `sinkscope pathway`: the LVLM pathway — ViT sinks followed into the LLM of an LVLM store.
/// `analyze` (the default) writes the analysis; `export-order` writes sink-aware token orders.
struct PathwayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pathway",
        abstract: "Follow ViT sinks into the LLM of an LVLM store (import --lvlm), or export sink-aware token orders.",
        discussion: """
            Examples:
              sinkscope pathway --store runs/llava --out runs/llava-pathway \\
                --method norm --tau 100
              sinkscope pathway export-order --store runs/llava --tau 100 \\
                --out runs/llava-order.safetensors
            """,
        subcommands: [PathwayAnalyzeCommand.self, ExportOrderCommand.self],
        defaultSubcommand: PathwayAnalyzeCommand.self)
}
