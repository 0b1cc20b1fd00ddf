/// A run of consecutive images inside one shard, for passes that must hold only a bounded number
/// of images at once (`StoreReader.forEachBlock`). Shapes use n = `images.count`.
public struct ImageBlock: Sendable {
    let store: StoreReader
    /// Position in the manifest of the shard that holds the block.
    public let shard: Int
    /// Store indices of the block's images.
    public let images: Range<Int>

    /// Hidden states `[n, T, D]` of `layer`.
    public func hidden(layer: Int) throws -> [Float] { try store.hidden(layer: layer, images: Array(images)) }
    /// Token norms `[n, T]` of `layer`.
    public func norms(layer: Int) throws -> [Float] { try store.norms(layer: layer, images: Array(images)) }
    /// Received attention `[n, T]` at `layer`.
    public func received(layer: Int) throws -> [Float] { try store.received(layer: layer, images: Array(images)) }
    /// Sink mask `[n, T]` of `method` at `layer`.
    public func mask(method: String, layer: Int) throws -> [UInt8] { try store.mask(method: method, layer: layer, images: Array(images)) }
}

extension StoreReader {
    /// Calls `body` for consecutive blocks of at most `maxImages` images, in store order, never
    /// crossing a shard boundary (a block reads one tensor file).
    public func forEachBlock(maxImages: Int, _ body: (ImageBlock) throws -> Void) throws {
        let size = max(maxImages, 1)
        for (s, shard) in manifest.shards.enumerated() {
            var start = shard.imageRange.lowerBound
            while start < shard.imageRange.upperBound {
                let end = min(start + size, shard.imageRange.upperBound)
                try body(ImageBlock(store: self, shard: s, images: start..<end))
                start = end
            }
        }
    }

    /// How many images of hidden states (`[T, D]` f32 each) fit in `bytes`, at least 1.
    public func imagesFitting(bytes: Int) -> Int {
        max(1, bytes / max(model.tokens * model.hiddenSize * MemoryLayout<Float>.size, 1))
    }
}
