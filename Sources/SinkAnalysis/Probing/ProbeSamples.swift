import Support
import ActivationStore
import Foundation
import LinearAlgebra

/// The samples a probe sees at one layer: one row per selected token, or one per image after a
/// reduction. Shapes: s samples, D hidden.
public struct ProbeSamples: Sendable, Equatable {
    /// `[s, D]`.
    public var x: Matrix
    /// `[s]` the store index of each sample's image (the CV group).
    public var image: [Int]
    /// `[s]` the token index (0..<T) of each sample, −1 for a mean over tokens.
    public var token: [Int]
    /// Images with no token in the group (skipped).
    public var emptyImages: Int

    /// Reads `layer` for `images` chunk by chunk (never the whole layer at once) and keeps the
    /// tokens of `group`, reduced per image when `reduce` is set. Masks in `inputs` are used
    /// instead of the store's.
    /// - Throws: `ProbeError.emptyGroup` when no image has a token in the group,
    ///   `.invalidParameter` for `cls` on a model without prefix tokens, `.noRegisters` for
    ///   `registers` on a model without register tokens, `.nonFinite` for NaN/Inf
    ///   activations, and `StoreError` from the store (missing layer or mask).
    public static func gather(
        from store: StoreReader, layer: Int, group: TokenGroup, reduce: Reduction?, images: [Int],
        seed: UInt64, chunk: Int = 64, inputs: ProbeInputs = ProbeInputs()
    ) throws -> ProbeSamples {
        let samples = try gatherAllowingEmpty(from: store, layer: layer, group: group, reduce: reduce, images: images,
                                              seed: seed, chunk: chunk, inputs: inputs)
        guard !samples.image.isEmpty else { throw ProbeError.emptyGroup(name: group.description) }
        return samples
    }

    /// Streams the group's samples one store shard at a time, so a pass over a store larger
    /// than memory (PCA's covariance) holds one shard's samples at most. Shards without
    /// samples are skipped. Sampling is the same as `gather` (random groups use per-image streams).
    /// - Parameter images: the store indices to use (all if nil).
    public static func forEachShard(
        from store: StoreReader, layer: Int, group: TokenGroup, reduce: Reduction?, images: Set<Int>? = nil,
        seed: UInt64, inputs: ProbeInputs = ProbeInputs(), _ body: (ProbeSamples) throws -> Void
    ) throws {
        try store.forEachShard { shard in
            let chosen = shard.imageRange.filter { images?.contains($0) ?? true }
            guard !chosen.isEmpty else { return }
            let samples = try gatherAllowingEmpty(from: store, layer: layer, group: group, reduce: reduce, images: chosen,
                                                  seed: seed, chunk: chosen.count, inputs: inputs)
            if !samples.image.isEmpty { try body(samples) }
        }
    }

    static func gatherAllowingEmpty(
        from store: StoreReader, layer: Int, group: TokenGroup, reduce: Reduction?, images: [Int],
        seed: UInt64, chunk: Int, inputs: ProbeInputs = ProbeInputs()
    ) throws -> ProbeSamples {
        let model = store.model
        let (t, d, prefix) = (model.tokens, model.hiddenSize, model.prefixTokens)
        if group == .cls, prefix < 1 {
            throw ProbeError.invalidParameter(name: "group", value: "cls", allowed: "used only on models with a CLS token (this store has no prefix tokens); use patches")
        }
        let registers = min(max(model.registers, 0), prefix)
        if group == .registers, registers < 1 { throw ProbeError.noRegisters(model: model.name) }
        var values: [Float] = [], imageOf: [Int] = [], tokenOf: [Int] = []
        var empty = 0
        var start = 0
        while start < images.count {
            let batch = Array(images[start..<min(start + chunk, images.count)])
            let hidden = try ProbeInputs.rows(inputs.hidden, images: batch, width: t * d)
                ?? store.hidden(layer: layer, images: batch)                       // [b, T, D]
            let masks = try group.method.map {                                                          // [b, T]
                try inputs.mask($0, images: batch, tokens: t) ?? store.mask(method: $0, layer: layer, images: batch)
            }
            let norms = reduce == .maxnorm                                                                  // [b, T]
                ? try ProbeInputs.rows(inputs.norms, images: batch, width: t) ?? store.norms(layer: layer, images: batch) : nil
            for (b, imageIndex) in batch.enumerated() {
                let mask = masks.map { Array($0[(b * t)..<((b + 1) * t)]) }
                let tokens = selectTokens(group, mask: mask, tokens: t, prefix: prefix, registers: registers,
                                          image: imageIndex, seed: seed)
                guard !tokens.isEmpty else { empty += 1; continue }
                let base = b * t * d
                if let bad = tokens.first(where: { tok in (0..<d).contains { !hidden[base + tok * d + $0].isFinite } }) {
                    throw ProbeError.nonFinite(what: "the layer \(layer) hidden states of image \(store.images[imageIndex].id) (token \(bad))", row: imageIndex)
                }
                switch reduce {
                case nil:
                    for tok in tokens {
                        values += hidden[(base + tok * d)..<(base + (tok + 1) * d)]
                        imageOf.append(imageIndex); tokenOf.append(tok)
                    }
                case .mean?:
                    var sum = [Double](repeating: 0, count: d)
                    for tok in tokens { for j in 0..<d { sum[j] += Double(hidden[base + tok * d + j]) } }
                    values += sum.map { Float($0 / Double(tokens.count)) }
                    imageOf.append(imageIndex); tokenOf.append(-1)
                case .maxnorm?:
                    let row = norms!
                    let top = tokens.max { row[b * t + $0] < row[b * t + $1] }!
                    values += hidden[(base + top * d)..<(base + (top + 1) * d)]
                    imageOf.append(imageIndex); tokenOf.append(top)
                }
            }
            start += batch.count
        }
        return ProbeSamples(x: Matrix(rows: imageOf.count, cols: d, values: values), image: imageOf, token: tokenOf,
                            emptyImages: empty)
    }

    /// The token indices of `group` in one image (ascending).
    /// - Parameters:
    ///   - mask: `[T]` the image's sink mask when the group needs one.
    ///   - registers: the register tokens, the last `registers` of the `prefix` tokens.
    static func selectTokens(_ group: TokenGroup, mask: [UInt8]?, tokens t: Int, prefix: Int, registers: Int = 0,
                             image: Int, seed: UInt64) -> [Int] {
        let patches = Array(prefix..<t)
        switch group {
        case .cls: return [0]
        case .registers: return Array((prefix - registers)..<prefix)
        case .patches: return patches
        case .sinks: return (0..<t).filter { mask![$0] != 0 }
        case .nonsinks: return patches.filter { mask![$0] == 0 }
        case .random(let k):
            var rng = SeededGenerator(seed: seed, stream: UInt64(image))
            return rng.sample(k, from: patches.count).map { patches[$0] }.sorted()
        case .matched:
            let k = mask!.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
            let candidates = patches.filter { mask![$0] == 0 }
            var rng = SeededGenerator(seed: seed, stream: UInt64(image))
            return rng.sample(k, from: candidates.count).map { candidates[$0] }.sorted()
        }
    }
}
