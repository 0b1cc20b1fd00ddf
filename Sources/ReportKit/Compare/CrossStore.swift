import SinkAnalysis
import ActivationStore
import Foundation

/// Linear CKA between the layers of two stores, on the images both hold (matched by id).
///
/// With the same token layout (T, prefix tokens, grid) the rows are the same (image, position)
/// pairs in both stores; otherwise each shared image contributes one row, its mean token state,
/// which compares models of different patch grids or widths (CKA needs equal rows, not equal widths).
enum CrossStore {
    static func compare(_ a: StoreReader, _ b: StoreReader, layersA: [Int], layersB: [Int], config: CompareConfig,
                        step: () -> Void) throws -> CrossStoreFacts {
        let idsB = Dictionary(b.images.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let shared = a.images.enumerated().compactMap { i, e in idsB[e.id].map { (a: i, b: $0) } }
        let same = layersA.filter(layersB.contains)
        func none(_ note: String) -> CrossStoreFacts {
            CrossStoreFacts(mode: "none", note: note, sharedImages: shared.count, sampledImages: 0, samples: 0, layersA: layersA,
                            layersB: layersB, cka: [], sameLayer: [])
        }
        let layoutMatches = a.model.tokens == b.model.tokens && a.model.prefixTokens == b.model.prefixTokens && a.model.grid == b.model.grid
        let gramsA: [[Double]?], gramsB: [[Double]?], mode: String, note: String, sampled: Int, samples: Int
        if layoutMatches {
            guard !shared.isEmpty else { return none("The stores share no image id, so their representations cannot be compared row for row.") }
            let sample = TokenSample.make(imageCount: shared.count, tokens: a.model.tokens, maxImages: config.sampleImages,
                                          maxTokens: config.ckaTokens, seed: config.seed)
            guard sample.picks.count >= 2 else { return none("Too few shared tokens to compare.") }
            var sa = sample, sb = sample
            sa.images = sample.images.map { shared[$0].a }
            sb.images = sample.images.map { shared[$0].b }
            gramsA = try StoreAnalysis.grams(store: a, layers: layersA, sample: sa, step: step)
            gramsB = try StoreAnalysis.grams(store: b, layers: layersB, sample: sb, step: step)
            mode = "tokens"
            note = "Both stores have the same token layout, so CKA compares the same \(sample.picks.count) (image, position) "
                + "pairs drawn from \(sample.images.count) of the \(shared.count) shared images."
            (sampled, samples) = (sample.images.count, sample.picks.count)
        } else {
            guard shared.count >= 3 else {
                return none("The token layouts differ and only \(shared.count) images are shared; comparing mean image representations needs at least 3.")
            }
            let picked = TokenSample.draw(count: min(4096, shared.count), from: shared.count, seed: config.seed).map { shared[$0] }
            gramsA = try StoreAnalysis.imageGrams(store: a, layers: layersA, images: picked.map(\.a), step: step)
            gramsB = try StoreAnalysis.imageGrams(store: b, layers: layersB, images: picked.map(\.b), step: step)
            mode = "images"
            note = "The token layouts differ (T = \(a.model.tokens) vs \(b.model.tokens)), so each of the \(picked.count) shared images "
                + "is represented by the mean of its token states and CKA compares images."
            (sampled, samples) = (picked.count, picked.count)
        }
        let cka = CKAMatrix.matrix(gramsA, gramsB)
        let sameLayer = same.map { l in
            SameLayerCKA(layer: l, cka: cka[layersA.firstIndex(of: l) ?? 0][layersB.firstIndex(of: l) ?? 0])
        }
        return CrossStoreFacts(mode: mode, note: note, sharedImages: shared.count, sampledImages: sampled, samples: samples,
                               layersA: layersA, layersB: layersB, cka: cka, sameLayer: sameLayer)
    }
}
