import ArgumentParser
import Foundation
import SinkAnalysis

/// `sinkscope pathway export-order --store S --out FILE`: per image, the permutation that moves
/// ViT sinks to the front of the visual tokens, their position ids, and the sink / non-sink split.
struct ExportOrderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-order",
        abstract: "Write sink-aware token orders (sinks first, position ids kept) and the sink split as safetensors.",
        discussion: """
            Writes the safetensors file --out. Tensors: order.permutation [n, P] i64 (original visual token \
            at each new slot: \
            sinks in original order, then the rest in original order), order.inverse [n, P], \
            order.position_ids [n, P] i64 (the original LLM positions, permuted alongside), \
            split.sink_mask [n, P] u8 (original order), split.sink_count [n] i64. The PyTorch \
            snippet that applies them is in docs/lvlm.md.

            Examples:
              sinkscope pathway export-order --store runs/llava --tau 100 \\
                --out runs/llava-order.safetensors
              sinkscope pathway export-order --store runs/dinov2 --layer 9 \\
                --method relative --k 3 --out /tmp/order.safetensors --json
            """)

    @OptionGroup var input: StoreOptions

    @OptionGroup(title: "ViT sinks (on the ViT layer)")
    var vit: DetectorOptions

    @Option(help: "The ViT layer (default: the LVLM's vision layer; required for stores not imported with --lvlm).")
    var layer: Int?

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        try vit.validateForViTLayer()
        if let layer, layer < 0 { throw ValidationError("--layer must be 0 or more, not \(layer).") }
    }

    /// The text `run()` prints.
    func output() throws -> String {
        let store = try input.reader()
        let summary = try SinkAwareOrder.export(store: store, detector: try vit.detector(), layer: layer, to: outputOptions.url)
        return try outputOptions.render(summary)
    }

    func run() throws {
        print(try output())
    }
}

extension SinkAwareOrderSummary: CommandOutput {
    var tableText: String {
        """
        wrote \(file): \(images) images x \(visualTokens) visual tokens, ViT layer \(vitLayer), method \(method)
        sinks moved to the front: \(sinks.total) (\(String(format: "%.2f", sinks.meanPerImage)) per image, \(sinks.minPerImage)–\(sinks.maxPerImage)); position ids from \(positionIDs)
        """
    }
}
