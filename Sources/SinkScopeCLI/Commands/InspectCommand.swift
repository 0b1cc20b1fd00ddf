import ActivationStore
import ArgumentParser
import Foundation
import VisionModels

/// `sinkscope inspect PATH`: what a tensor file or a store holds.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show what a tensor file (.safetensors, .npz, .npy), a store or a model folder holds.",
        discussion: """
            For a tensor file: every array's name, dtype and shape (read from the
            headers only). For a store directory: the model, captured layers, images
            (count and first ids), label columns, tensors with their shapes over the
            whole store, and the sink masks present. For a model folder (config.json,
            e.g. an LVLM checkpoint): the family, the tower's config, the checkpoint
            files, and for an LVLM the feature layer and the tokens passed on.

            Examples:
              sinkscope inspect runs/example-store
              sinkscope inspect dump.npz --json
            """)

    @Argument(help: "A store directory, a model folder, or a .safetensors / .npz / .npy file.")
    var path: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    /// The text `run()` prints.
    func output() throws -> String {
        let url = URL(fileURLWithPath: path)
        let fm = FileManager.default
        if fm.fileExists(atPath: url.appendingPathComponent("config.json").path),
           !fm.fileExists(atPath: url.appendingPathComponent("manifest.json").path) {
            let summary = try ModelFolder(url: url).summary()
            return json ? try summary.json() : summary.text
        }
        return try Inspection.inspect(URL(fileURLWithPath: path)).text(json: json)
    }

    func run() throws {
        print(try output())
    }
}

extension Inspection: CommandOutput {
    var tableText: String { text }
    func jsonText() throws -> String { json }
}
