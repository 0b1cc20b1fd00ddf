import ActivationStore
import Foundation

/// What the detectors read for one layer of one store (or of arrays built by hand in tests).
///
/// Glossary: n images, T tokens (the first `prefixTokens` are CLS and registers, patch tokens follow),
/// D hidden size. Every array is row-major.
///
///     let layer = try LayerActivations(layer: 8, imageCount: 2, tokenCount: 5, hiddenSize: 4,
///                                      prefixTokens: 1, hidden: x, received: r)   // norms computed from x
public struct LayerActivations: Sendable {
    /// The layer index l (0 = embedding output, l = output of block l).
    public var layer: Int
    /// n, the number of images.
    public var imageCount: Int
    /// T, tokens per image (prefix + patches).
    public var tokenCount: Int
    /// D, the hidden size.
    public var hiddenSize: Int
    /// CLS + registers at the front of each image's token sequence.
    public var prefixTokens: Int
    /// Register tokens among the prefix tokens (its last `registers`, after CLS; `ModelInfo.registers`),
    /// 0 when the model has none. Set after init; it changes only how prefix tokens are summarised.
    public var registers: Int = 0
    /// Store index of the first image here (nonzero for one shard of a store read in blocks), so
    /// errors and notes name images by their index in the store.
    public var firstImage: Int = 0
    /// The attention pattern of the block that wrote this layer (`ModelInfo.attention(ofLayer:)`), nil
    /// when the model has no windowed blocks. Set after init; it only labels the layer's summary.
    public var attention: LayerAttention? = nil
    /// `[n, T, D]` hidden states, or nil when only norms were loaded (norm-only methods).
    public var hidden: [Float]?
    /// `[n, T]` L2 norms of the hidden states.
    public var norms: [Float]
    /// `[n, T]` attention received: head-mean column sum of the attention probabilities, or nil when
    /// the store was extracted without attention.
    public var received: [Float]?
    /// Where the data came from (a store path), named in error messages.
    public var source: String

    /// Builds a layer from all its arrays and checks their lengths against the shape.
    /// - Throws: `DetectionError.shapeMismatch` or `.noPatchTokens`.
    public init(
        layer: Int, imageCount: Int, tokenCount: Int, hiddenSize: Int, prefixTokens: Int,
        hidden: [Float]?, norms: [Float], received: [Float]?, source: String = "activations"
    ) throws {
        self.layer = layer
        self.imageCount = imageCount
        self.tokenCount = tokenCount
        self.hiddenSize = hiddenSize
        self.prefixTokens = prefixTokens
        self.hidden = hidden
        self.norms = norms
        self.received = received
        self.source = source
        try checkShapes()
    }

    /// Builds a layer from hidden states, computing each token's L2 norm (accumulated in Double).
    public init(
        layer: Int, imageCount: Int, tokenCount: Int, hiddenSize: Int, prefixTokens: Int,
        hidden: [Float], received: [Float]?, source: String = "activations"
    ) throws {
        guard hidden.count == imageCount * tokenCount * hiddenSize else {
            throw DetectionError.shapeMismatch(
                source: source, what: "hidden [n, T, D]", expected: imageCount * tokenCount * hiddenSize,
                actual: hidden.count)
        }
        let norms = LayerActivations.l2Norms(hidden, rows: imageCount * tokenCount, cols: hiddenSize)
        try self.init(
            layer: layer, imageCount: imageCount, tokenCount: tokenCount, hiddenSize: hiddenSize,
            prefixTokens: prefixTokens, hidden: hidden, norms: norms, received: received, source: source)
    }

    /// P, the prefix tokens, clamped to T so indexing stays in range.
    public var prefixCount: Int { min(max(prefixTokens, 0), tokenCount) }
    /// The register tokens, clamped to the prefix tokens.
    public var registerCount: Int { min(max(registers, 0), prefixCount) }
    /// T - P, the patch tokens per image.
    public var patchCount: Int { tokenCount - prefixCount }
    /// Token indices of the patches of one image (the same for every image).
    public var patchRange: Range<Int> { prefixCount..<tokenCount }

    /// The `[T]` norms of image `i`.
    public func norms(image i: Int) -> ArraySlice<Float> { norms[(i * tokenCount)..<((i + 1) * tokenCount)] }


    // MARK: - Validation

    func checkShapes() throws {
        let nt = imageCount * tokenCount
        guard norms.count == nt else {
            throw DetectionError.shapeMismatch(source: source, what: "norms [n, T]", expected: nt, actual: norms.count)
        }
        if let h = hidden, h.count != nt * hiddenSize {
            throw DetectionError.shapeMismatch(
                source: source, what: "hidden [n, T, D]", expected: nt * hiddenSize, actual: h.count)
        }
        if let r = received, r.count != nt {
            throw DetectionError.shapeMismatch(source: source, what: "received [n, T]", expected: nt, actual: r.count)
        }
        guard tokenCount > prefixCount else {
            throw DetectionError.noPatchTokens(source: source, tokens: tokenCount, prefixTokens: prefixTokens)
        }
    }

    /// Checks that the arrays a detector reads are present and finite.
    /// - Throws: `.missingHidden`, `.missingReceived` or `.nonFinite` naming the first bad token.
    func validate(for inputs: DetectorInputs, method: String) throws {
        try checkShapes()
        if let bad = norms.firstIndex(where: { !$0.isFinite }) {
            throw nonFinite("norm", flatToken: bad)
        }
        if inputs.contains(.hidden) {
            guard let h = hidden else { throw DetectionError.missingHidden(source: source, layer: layer, method: method) }
            if let bad = h.firstIndex(where: { !$0.isFinite }) {
                throw nonFinite("hidden state", flatToken: bad / max(hiddenSize, 1))
            }
        }
        if inputs.contains(.received) {
            guard let r = received else {
                throw DetectionError.missingReceived(source: source, layer: layer, method: method)
            }
            if let bad = r.firstIndex(where: { !$0.isFinite }) {
                throw nonFinite("received attention", flatToken: bad)
            }
        }
    }

    private func nonFinite(_ what: String, flatToken: Int) -> DetectionError {
        .nonFinite(source: source, layer: layer, what: what, image: firstImage + flatToken / tokenCount, token: flatToken % tokenCount)
    }

    /// `[rows]` L2 norms of the rows of a `[rows, cols]` matrix; sums in Double so D in the thousands
    /// with massive activations (|x| ~ 1e3) does not lose the small entries.
    static func l2Norms(_ x: [Float], rows: Int, cols: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var s = 0.0
            for c in 0..<cols { let v = Double(x[r * cols + c]); s += v * v }
            out[r] = Float(s.squareRoot())
        }
        return out
    }
}
