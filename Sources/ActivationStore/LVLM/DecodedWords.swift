import Foundation
import TensorFiles

/// The logit lens of a dump (`scripts/dump_lvlm.py --decode-top-k K`): for each visual token alone,
/// the top-K tokens of softmax(lm_head(norm(h_l))) at the LLM layers `layers`.
///
/// Arrays: `llm_decoded_layers` [Ld], `llm_decoded_ids` [Ld, n, Kv, K] vocabulary ids,
/// `llm_decoded_probs` [Ld, n, Kv, K], `llm_decoded_vocab_ids` [V'] and `llm_decoded_vocab` [V']
/// (the string of each id that occurs). Kv: visual tokens; K: top-K.
struct DecodedWords {
    let layers: [Int]
    let topK: Int
    let ids: TensorView, probs: TensorView
    let images: Int, visualTokens: Int
    /// Vocabulary id → its string.
    let vocabulary: [Int: String]

    init?(reader: ScalarReader, images n: Int, visualTokens k: Int, url: URL) throws {
        func fail(_ problem: String) -> StoreError { .importFailed(file: url.path, problem: problem) }
        guard let ids = try reader.intView("llm_decoded_ids") else { return nil }
        guard let probs = try reader.floatView("llm_decoded_probs", rank: 4, meaning: "[decoded layers, images, tokens, top-K]") else {
            throw fail("'llm_decoded_ids' comes without 'llm_decoded_probs'")
        }
        guard ids.shape.count == 4, ids.shape == probs.shape, ids.shape[1] == n, ids.shape[2] == k else {
            throw fail("'llm_decoded_ids' \(ids.shape) and 'llm_decoded_probs' \(probs.shape) must both be [decoded layers, \(n) images, \(k) visual tokens, top-K]")
        }
        guard let layers = try reader.ints("llm_decoded_layers", count: ids.shape[0]), zip(layers, layers.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw fail("'llm_decoded_layers' must list the \(ids.shape[0]) decoded LLM layers, ascending")
        }
        guard let vocabIDs = try reader.intView("llm_decoded_vocab_ids"), reader.file.contains("llm_decoded_vocab") else {
            throw fail("the decoded words need 'llm_decoded_vocab_ids' and 'llm_decoded_vocab' (the string of each id)")
        }
        let keys = try vocabIDs.int64s(elements: 0..<vocabIDs.count).map { Int(clamping: $0) }
        let words = try reader.file.strings("llm_decoded_vocab")
        guard keys.count == words.count else { throw fail("'llm_decoded_vocab_ids' has \(keys.count) ids but 'llm_decoded_vocab' \(words.count) strings") }
        vocabulary = Dictionary(zip(keys, words), uniquingKeysWith: { a, _ in a })
        (self.layers, self.ids, self.probs, images, visualTokens, topK) = (layers, ids, probs, n, k, ids.shape[3])
    }

    /// `[Kv, K]` ids and probabilities of image `i` at entry `entry` of `layers`, checked.
    func image(_ i: Int, entry: Int, url: URL) throws -> (ids: [Int64], probs: [Float]) {
        let size = visualTokens * topK, start = (entry * images + i) * size
        let a = try ids.int64s(elements: start..<(start + size)), p = try probs.floats(elements: start..<(start + size))
        if let bad = a.first(where: { vocabulary[Int(clamping: $0)] == nil }) {
            throw StoreError.importFailed(file: url.path, problem: "decoded id \(bad) (image \(i), layer \(layers[entry])) has no string in 'llm_decoded_vocab'")
        }
        if let bad = p.first(where: { !$0.isFinite || $0 < 0 || $0 > 1.0001 }) {
            throw StoreError.importFailed(file: url.path, problem: "decoded probability \(bad) (image \(i), layer \(layers[entry])) is not within 0...1")
        }
        return (a, p)
    }
}
