/// What a producer (extract or import) hands `StoreWriter.append` for one image.
public struct ImageActivations: Sendable {
    public var image: ImageEntry
    /// Layer → hidden states `[T*D]` row-major (token-major), one entry per captured layer.
    public var hidden: [Int: [Float]]
    /// Layer → attention received `[T]` (head-mean column sum of the attention probabilities).
    public var received: [Int: [Float]]?
    /// Layer → attention probabilities `[H*T*T]` (head, query, key), only when keeping attention.
    public var attention: [Int: [Float]]?
    /// The patch merger's output `[M*D_llm]` (`StoreWriter.mergedShape`), for towers that have one.
    /// Set after init.
    public var merged: [Float]? = nil

    public init(image: ImageEntry, hidden: [Int: [Float]], received: [Int: [Float]]? = nil, attention: [Int: [Float]]? = nil) {
        self.image = image
        self.hidden = hidden
        self.received = received
        self.attention = attention
    }
}
