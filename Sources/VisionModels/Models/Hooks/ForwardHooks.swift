// Shape letters: n images, T tokens, D hidden, H heads, I MLP width; b a block index (0-based).

/// A view of one activation of the whole batch at a hook point: `images` × `tokens` rows of `width`
/// values, row r of image i at `base + (i·T + r)·stride` (stride > width when the activation is a
/// column block of a wider buffer, as v is of q | k | v).
public struct StreamView {
    public let base: UnsafeMutablePointer<Float>
    public let images: Int
    public let tokens: Int
    public let width: Int
    public let stride: Int

    /// The `width` values of token `token` of image `image`.
    public func row(image: Int, token: Int) -> UnsafeMutablePointer<Float> { base + (image * tokens + token) * stride }
}

/// Edits (or reads) a whole-batch activation in place: the residual stream, v, the attention output,
/// the MLP post-activation.
public typealias StreamHook = @Sendable (StreamView) -> Void

/// Edits (or reads) one image's and head's attention scores [T, T] (query, key) in place: the logits
/// before the softmax (`attnLogits`) or the probabilities after it (`attnPattern`). Called from the
/// attention workers, so concurrently for different (image, head) pairs.
public typealias ScoresHook = @Sendable (_ scores: UnsafeMutablePointer<Float>, _ image: Int, _ head: Int, _ tokens: Int) -> Void

/// Functions attached to named `HookPoint`s of one forward pass (TransformerLens's `run_with_hooks`).
///
/// A stream hook runs on the batch's buffer at its point, before anything downstream reads it (so a
/// `resid_post` edit is what the store keeps for `hidden.{b+1}` and what block b+1 reads); a scores
/// hook runs per image and head. With no hooks the forward does exactly what it did without them:
/// one dictionary lookup per point and block, no copies.
///
///     var hooks = ForwardHooks()
///     hooks[stream: .residPost(block: 3)] = { view in view.row(image: 0, token: 0).update(repeating: 0, count: view.width) }
///     _ = try model.forward(pixels: x, images: 1, height: 224, width: 224, capture: request, hooks: hooks)
///
/// Stream points: `embed`, `blocks.{b}.resid_pre`, `.attn.v` [n, T, D] (stride 3D), `.attn.out`,
/// `.mlp.post` [n, T, I], `.resid_post`. Scores points: `blocks.{b}.attn.logits`, `.attn.pattern`.
/// Other points (`resid_mid`, `mlp.out`, `received`, `final_norm`) take no hooks yet.
public struct ForwardHooks: Sendable {
    public var streams: [HookPoint: StreamHook] = [:]
    public var scores: [HookPoint: ScoresHook] = [:]
    /// Zero tokens appended after each image's tokens before block 0 (test-time registers, Jiang et al.
    /// 2025): every hook sees T + E tokens; captures keep the image's T and file the E apart (`ImageCapture.extra`).
    public var extraTokens = 0

    public init() {}

    public subscript(stream point: HookPoint) -> StreamHook? {
        get { streams[point] }
        set { streams[point] = newValue }
    }

    public subscript(scores point: HookPoint) -> ScoresHook? {
        get { scores[point] }
        set { scores[point] = newValue }
    }

    public var isEmpty: Bool { streams.isEmpty && scores.isEmpty && extraTokens == 0 }

    /// Adds `hook` after any hook already at `point` (both run, in order).
    public mutating func append(stream point: HookPoint, _ hook: @escaping StreamHook) {
        if let first = streams[point] { streams[point] = { first($0); hook($0) } } else { streams[point] = hook }
    }

    /// Adds `hook` after any hook already at `point` (both run, in order).
    public mutating func append(scores point: HookPoint, _ hook: @escaping ScoresHook) {
        if let first = scores[point] { scores[point] = { first($0, $1, $2, $3); hook($0, $1, $2, $3) } } else { scores[point] = hook }
    }

    /// Runs the stream hook at `point`, if any, on `[n·T, width]` rows at `base` with row `stride`.
    func run(_ point: HookPoint, _ base: UnsafeMutablePointer<Float>, images n: Int, tokens t: Int, width: Int, stride: Int? = nil) {
        guard let hook = streams[point] else { return }
        hook(StreamView(base: base, images: n, tokens: t, width: width, stride: stride ?? width))
    }
}
