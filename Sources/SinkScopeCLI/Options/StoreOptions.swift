import ActivationStore
import ArgumentParser
import Foundation

/// `--store STORE`: the store a command reads, shared by `detect`, `probe`, `report` and `pathway`.
/// (`compare` takes `--store` once or twice and declares its own.)
///
/// Example:
///     sinkscope detect --store runs/photos --method relative --k 3
struct StoreOptions: ParsableArguments {
    @Option(help: "The store directory (made by extract or import; import --lvlm for pathway).")
    var store: String

    /// The store directory as a URL.
    var url: URL { URL(fileURLWithPath: store) }

    /// Opens the store.
    /// - Throws: the store's error naming the directory when it is not a complete store.
    func reader() throws -> StoreReader { try StoreReader(url: url) }
}
