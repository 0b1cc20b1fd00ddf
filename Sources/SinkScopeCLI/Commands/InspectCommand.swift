import ActivationStore
import ArgumentParser
import Foundation

/// `sinkscope inspect PATH`: what a tensor file or a store holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a tensor file (.safetensors, .npz, .npy) or a store holds.",
        discussion: """
            For a tensor file: every array's name, dtype and shape (read from the
            headers only). For a store directory: the model, captured layers, images
            (count and first ids), label columns, tensors with their shapes over the
            whole store, and the sink masks present.

            Examples:
              sinkscope inspect runs/example-store
              sinkscope inspect dump.npz --json
            """)

    @Argument(help: "A store directory or a .safetensors / .npz / .npy file.")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// The text `run()` prints.
    func output() throws -> String {
        try Inspection.inspect(URL(fileURLWithPath: path)).text(json: json)
    }

    func run() throws {
        print(try output())
    }
}

extension Inspection: CommandOutput {
    var tableText: String { text }
    func jsonText() throws -> String { json }
}
