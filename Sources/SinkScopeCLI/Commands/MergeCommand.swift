import ActivationStore
import ArgumentParser
import Foundation

/// `sinkscope merge STORE... --out STORE`: one store from the shard stores of a sharded extraction.
struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the shard stores of 'extract --shard I/N' (or stores of one model) into one store.",
        discussion: """
            Shard stores are put in shard order, whatever order they are given in, so the merged \
            store lists the images in the order of the whole image list, as one 'extract' without \
            --shard would. Shard files are hard-linked into the new store (no tensor data is copied; \
            the inputs stay as they are) or copied where links are impossible, e.g. across file \
            systems; the summary says which. The store is built under a hidden name and renamed into \
            place when complete. Sink masks are not carried over: run detect on the merged store.

            Refused with one sentence: stores of different models, layers, dtypes, attention \
            tensors, preprocessing or image size; an image id in two stores; shards of different \
            runs or the same shard twice; a missing or incomplete shard, unless --allow-partial \
            (which lists the missing list positions in the summary and the manifest's notes).

            Examples:
              sinkscope merge runs/parts/shard-0 runs/parts/shard-1 runs/parts/shard-2 \\
                --out runs/photos
              sinkscope merge runs/parts/shard-* --out runs/photos-partial --allow-partial --json
            """)

    @Argument(help: "The stores to merge (the shard stores of one run, in any order).")
    var stores: [String]

    @Flag(help: "Merge even when shards are missing or incomplete, and say which list positions are missing.")
    var allowPartial = false

    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard !stores.isEmpty else { throw ValidationError("Give at least one store to merge.") }
    }

    /// The text `run()` prints (the summary, or JSON with --json).
    func output() throws -> String {
        let config = MergeConfig(
            inputs: stores.map { URL(fileURLWithPath: $0) }, output: outputOptions.url, allowPartial: allowPartial,
            progress: outputOptions.progress)
        return try outputOptions.render(try StoreMerger.merge(config))
    }

    func run() throws {
        print(try output())
    }
}

extension MergeSummary: CommandOutput {
    var tableText: String { text }
}
