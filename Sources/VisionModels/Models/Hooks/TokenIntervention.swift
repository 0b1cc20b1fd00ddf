// Shape letters: n images, T tokens, D hidden; l a store layer (0 = embeddings, l = output of block l).

/// What an intervention does to the selected tokens at each chosen layer.
public enum InterventionKind: String, Sendable, Codable, CaseIterable {
    /// No change: the run is the clean run (`intervene` then writes exactly what `extract` writes).
    case none
    /// After block l the selected tokens' residual stream (`hidden.{l}`) is set to 0; later blocks recompute them.
    case zero
    /// After block l the selected tokens' stream is replaced by the mean of the image's other patch tokens.
    case mean
    /// In block l no query but the token itself attends to a selected token: its logits are −∞ before the
    /// softmax (HF eager attention with an additive −∞ mask on those keys).
    case knockout
    /// Jiang et al.'s test-time register: one extra zero token, the listed register neurons moved to it
    /// (`TestTimeRegister`); needs a neuron file, selects no tokens.
    case testTimeRegister = "test-time-register"
}

/// Zero, mean or knockout of chosen tokens at chosen layers, turned into `ForwardHooks` for one batch.
///
///     let edit = TokenIntervention(kind: .zero, tokens: [1: [[0]], 2: [[0]]], prefixTokens: 1)   // CLS of image 0 at hidden.1, .2
///     _ = try model.forward(pixels: x, images: 1, height: 224, width: 224, capture: request, hooks: edit.hooks())
public struct TokenIntervention: Sendable {
    public var kind: InterventionKind
    /// store layer l → per image of the batch, the selected token indices (0..<T, prefix included).
    public var tokens: [Int: [[Int]]]
    /// CLS + registers at the front of each image (excluded from the `mean`).
    public var prefixTokens: Int

    public init(kind: InterventionKind, tokens: [Int: [[Int]]], prefixTokens: Int) {
        self.kind = kind
        self.tokens = tokens
        self.prefixTokens = prefixTokens
    }

    /// The hooks: zero and mean on `hidden.{l}` (`embed` or `blocks.{l-1}.resid_post`), knockout on
    /// `blocks.{l-1}.attn.logits` (layer 0 has no attention; `InterventionPlan` refuses it).
    public func hooks() -> ForwardHooks {
        var hooks = ForwardHooks()
        let prefix = prefixTokens
        for (l, perImage) in tokens {
            switch kind {
            case .none, .testTimeRegister:
                break
            case .zero:
                hooks.append(stream: .hidden(layer: l)) { view in
                    for (image, selected) in perImage.enumerated() where image < view.images {
                        for token in selected { view.row(image: image, token: token).update(repeating: 0, count: view.width) }
                    }
                }
            case .mean:
                hooks.append(stream: .hidden(layer: l)) { view in
                    for (image, selected) in perImage.enumerated() where image < view.images {
                        let chosen = Set(selected), d = view.width
                        var mean = [Double](repeating: 0, count: d)
                        var count = 0
                        for token in prefix..<view.tokens where !chosen.contains(token) {
                            let row = view.row(image: image, token: token)
                            for c in 0..<d { mean[c] += Double(row[c]) }
                            count += 1
                        }
                        let values = mean.map { Float($0 / Double(max(count, 1))) }
                        for token in selected { view.row(image: image, token: token).update(from: values, count: d) }
                    }
                }
            case .knockout:
                guard l >= 1 else { continue }
                hooks.append(scores: .attnLogits(block: l - 1)) { scores, image, _, t in
                    guard image < perImage.count else { return }
                    for key in perImage[image] {
                        for query in 0..<t where query != key { scores[query * t + key] = -.infinity }
                    }
                }
            }
        }
        return hooks
    }
}
