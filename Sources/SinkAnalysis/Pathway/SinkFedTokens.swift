import ActivationStore
import Foundation

/// The ViT sinks carried onto the LLM's visual tokens. Where the LLM sees one token per patch
/// (LLaVA-1.5, PaliGemma) this is the patch mask itself; where tokens merge patches (Qwen2.5-VL and
/// InternVL: 2x2) or come in tiles with newline tokens (LLaVA-NeXT, OneVision), LLM visual token k
/// is **sink-fed** when at least one ViT sink patch is among the patches that feed it, and a token
/// that no patch feeds (a newline or prefix token) stays out of every comparison.
///
/// Shapes: n images, K LLM visual tokens, P ViT patches.
public struct SinkFedTokens: Sendable {
    /// `[n, K]` 1 when a ViT sink feeds the token.
    public var mask: [UInt8]
    /// `[n, K]` true when some ViT patch feeds the token.
    public var fed: [Bool]
    /// `[n, K]` the largest ViT norm among the token's patches (0 when none feeds it).
    public var norms: [Float]
    /// K.
    public var tokens: Int

    /// - Parameters:
    ///   - vit: the patch-level sinks and norms, `[n, P]`.
    ///   - map: the store's token map (identity for one token per patch).
    public init(vit: PathwayAnalysis.ViTSinks, map: VisualTokenMap) throws {
        let n = map.images, k = map.tokens, p = map.patches
        guard vit.mask.count == n * p, vit.norms.count == n * p else {
            throw PathwayError.shapeMismatch(what: "ViT sink mask against the token map", expected: n * p, actual: vit.mask.count)
        }
        var mask = [UInt8](repeating: 0, count: n * k), fed = [Bool](repeating: false, count: n * k), norms = [Float](repeating: 0, count: n * k)
        for i in 0..<n {
            for t in 0..<k {
                let patches = map.patches(image: i, token: t)
                guard !patches.isEmpty else { continue }
                fed[i * k + t] = true
                mask[i * k + t] = patches.contains { vit.mask[i * p + $0] != 0 } ? 1 : 0
                norms[i * k + t] = patches.map { vit.norms[i * p + $0] }.max()!
            }
        }
        (self.mask, self.fed, self.norms, tokens) = (mask, fed, norms, k)
    }
}

/// Per image, the LLM visual tokens that ViT sinks feed and the sink patches feeding each:
/// `pathway.json`'s answer to "which LLM token carries which ViT sink".
public struct SinkFeeding: Sendable, Codable, Equatable {
    public struct Token: Sendable, Codable, Equatable {
        /// LLM visual token k and its LLM sequence position.
        public var token: Int
        public var position: Int
        /// The ViT sink patches among its patches, and all its patches.
        public var sinkPatches: [Int]
        public var patches: [Int]

        enum CodingKeys: String, CodingKey {
            case token, position, patches
            case sinkPatches = "sink_patches"
        }
    }

    public var image: Int
    public var imageID: String
    public var tokens: [Token]

    enum CodingKeys: String, CodingKey {
        case image, tokens
        case imageID = "image_id"
    }

    static func list(store: StoreReader, vit: PathwayAnalysis.ViTSinks, map: VisualTokenMap, positions: [Int64]) -> [SinkFeeding] {
        let p = map.patches, k = map.tokens
        return (0..<map.images).map { i in
            let tokens = (0..<k).compactMap { t -> Token? in
                let patches = map.patches(image: i, token: t)
                let sinks = patches.filter { vit.mask[i * p + $0] != 0 }
                return sinks.isEmpty ? nil : Token(token: t, position: positions.isEmpty ? t : Int(positions[i * k + t]), sinkPatches: sinks, patches: patches)
            }
            return SinkFeeding(image: i, imageID: store.images[i].id, tokens: tokens)
        }
    }
}
