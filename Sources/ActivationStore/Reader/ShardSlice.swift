import TensorFiles

/// One shard of a store during `StoreReader.forEachShard`: its images and their tensors.
/// Shapes use n = `images.count` (the shard's images only).
public struct ShardSlice: Sendable {
    let store: StoreReader
    /// Position of the shard in the manifest.
    public let index: Int
    public let entry: ShardEntry

    init(store: StoreReader, index: Int) {
        self.store = store
        self.index = index
        self.entry = store.manifest.shards[index]
    }

    /// Indices of this shard's images in the store.
    public var imageRange: Range<Int> { entry.imageRange }
    /// This shard's images.
    public var images: [ImageEntry] { Array(store.images[entry.imageRange]) }

    /// Hidden states `[n, T, D]` of `layer`.
    public func hidden(layer: Int) throws -> [Float] { try store.hidden(layer: layer, images: Array(imageRange)) }
    /// Token norms `[n, L+1, T]`.
    public func norms() throws -> [Float] { try store.norms(images: Array(imageRange)) }
    /// Token norms `[n, T]` of `layer`.
    public func norms(layer: Int) throws -> [Float] { try store.norms(layer: layer, images: Array(imageRange)) }
    /// Received attention `[n, T]` at `layer`.
    public func received(layer: Int) throws -> [Float] { try store.received(layer: layer, images: Array(imageRange)) }
    /// Attention `[n, H, T, T]` at `layer`.
    public func attention(layer: Int) throws -> [Float] { try store.attention(layer: layer, images: Array(imageRange)) }
    /// Sink mask `[n, T]` of `method` at `layer`.
    public func mask(method: String, layer: Int) throws -> [UInt8] { try store.mask(method: method, layer: layer, images: Array(imageRange)) }
}
