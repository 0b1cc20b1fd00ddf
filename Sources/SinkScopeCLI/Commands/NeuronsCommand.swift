import ArgumentParser
import Foundation
import Workflow

/// `sinkscope neurons --model M --images DIR`: rank MLP neurons by how much more they fire at the
/// high-norm outlier tokens (register neurons, Jiang et al. 2025).
struct NeuronsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "neurons",
        abstract: "Rank MLP post-activation neurons by their activation at high-norm outlier tokens (register neurons).",
        discussion: """
            The outliers of each image are its --outliers highest-norm patch tokens at --outlier-layer \
            (default: the last layer). Each neuron of every block scores its mean post-activation at \
            the outliers minus its mean at the other patch tokens; the --top best are listed (JSON with --json).

            Example:
              sinkscope neurons --model dinov2-small --images ~/.cache/sinkscope/photos --outliers 2 --top 20 --json
            """)

    @Option(help: "dinov2-small (built in) or the path of a HuggingFace model folder.")
    var model: String

    @Option(help: "A directory of images or a text file with one path per line.")
    var images: String

    @Option(help: "Store layer (1...L) whose top-norm patch tokens are the outliers (default: L).")
    var outlierLayer: Int?

    @Option(help: "Outlier tokens per image.")
    var outliers: Int = 1

    @Option(help: "Neurons to list.")
    var top: Int = 20

    @Option(help: "Threads for BLAS, decoding and attention.")
    var threads: Int = 2

    @Flag(help: "Print the ranking as JSON.")
    var json = false

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top).") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads).") }
    }

    func output() throws -> String {
        let ranking = try RegisterNeuronScan.run(
            model: model, images: URL(fileURLWithPath: images), outlierLayer: outlierLayer, tokensPerImage: outliers, top: top,
            threads: threads, progress: EnvironmentSettings.showsProgress(quiet: json), cache: EnvironmentSettings.cache)
        return try ranking.text(json: json)
    }

    func run() throws {
        print(try output())
    }
}

extension NeuronRanking: CommandOutput {
    var tableText: String { text }
}
