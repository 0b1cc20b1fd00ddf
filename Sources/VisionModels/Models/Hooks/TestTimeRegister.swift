// Shape letters: n images, T tokens of the image, E extra tokens, I MLP width; l a store layer (block l).

/// Test-time registers (Jiang et al. 2025, "Vision Transformers Don't Need Trained Registers"): one
/// extra token, zero at the input, appended after the image's tokens; in each chosen block the listed
/// register neurons of the MLP post-activation (`blocks.{l-1}.mlp.post`) are moved from the patch
/// tokens to it, so the high-norm outliers those neurons create form on the extra token instead.
///
/// Per image and chosen block, following the authors' public hook (`activate_on_registers` with
/// `normal_values="zero"`, scale 1): v = the sign-aware max (the entry of largest magnitude, its sign
/// kept) over the whole [T + E, k] slice of the k listed neurons — every token, the extra one included
/// — is written into those neurons of the extra token(s); the same neurons are set to 0 at the patch
/// tokens; CLS and registers are left as they are.
///
///     let ttr = TestTimeRegister(neurons: [6: [120, 873]], prefixTokens: 1)
///     let out = try model.forward(pixels: x, images: 1, height: 224, width: 224, capture: request, hooks: ttr.hooks())
///     // out[0].hidden: the image's T tokens; out[0].extra: the register's hidden states, norms, received attention
public struct TestTimeRegister: Sendable, Equatable {
    /// store layer l (1...L) → neuron indices (0..<I) of block l's MLP post-activation.
    public var neurons: [Int: [Int]]
    /// CLS + registers at the front of each image (never changed).
    public var prefixTokens: Int
    /// Extra tokens appended (the paper uses one).
    public var extraTokens: Int

    public init(neurons: [Int: [Int]], prefixTokens: Int, extraTokens: Int = 1) {
        self.neurons = neurons
        self.prefixTokens = prefixTokens
        self.extraTokens = extraTokens
    }

    public func hooks() -> ForwardHooks {
        var hooks = ForwardHooks()
        hooks.extraTokens = extraTokens
        let prefix = prefixTokens, extra = extraTokens
        for (l, list) in neurons where l >= 1 && !list.isEmpty {
            hooks.append(stream: .mlpPost(block: l - 1)) { view in
                let patchEnd = view.tokens - extra
                for image in 0..<view.images {
                    var high = -Float.infinity, low = Float.infinity
                    for token in 0..<view.tokens {
                        let row = view.row(image: image, token: token)
                        for k in list { high = max(high, row[k]); low = min(low, row[k]) }
                    }
                    let value = abs(high) > abs(low) ? high : low
                    for token in patchEnd..<view.tokens {
                        let row = view.row(image: image, token: token)
                        for k in list { row[k] = value }
                    }
                    for token in prefix..<patchEnd {
                        let row = view.row(image: image, token: token)
                        for k in list { row[k] = 0 }
                    }
                }
            }
        }
        return hooks
    }
}
