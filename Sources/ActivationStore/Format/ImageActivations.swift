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
    /// Layer → head-mean value-vector norm `[T]` (`value_norm.{l}`), with `--capture values`.
    public var valueNorms: [Int: [Float]]?
    /// Layer → norm of each token's query-averaged contribution to the attention output `[T]` (`value_out.{l}`).
    public var valueOutputs: [Int: [Float]]?
    /// Layer → hidden states `[E*D]` of the E tokens appended after the image's T (test-time registers,
    /// `intervene --do test-time-register`), for every captured layer; stored as `extra.hidden.{l}`.
    public var extraHidden: [Int: [Float]]?

    public init(
        image: ImageEntry, hidden: [Int: [Float]], received: [Int: [Float]]? = nil, attention: [Int: [Float]]? = nil,
        valueNorms: [Int: [Float]]? = nil, valueOutputs: [Int: [Float]]? = nil, extraHidden: [Int: [Float]]? = nil
    ) {
        self.extraHidden = extraHidden
        self.valueNorms = valueNorms
        self.valueOutputs = valueOutputs
        self.image = image
        self.hidden = hidden
        self.received = received
        self.attention = attention
    }
}
