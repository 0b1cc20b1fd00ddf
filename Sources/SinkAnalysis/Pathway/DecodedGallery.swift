import ActivationStore
import Foundation

/// The seed paper's qualitative reading of visual tokens through the LLM's output head (a logit
/// lens): for one image and LLM layer, the top-K words of its sink-fed tokens next to those of as
/// many ordinary visual tokens (evenly spaced among the ordinary ones, so the choice is fixed).
public struct DecodedGallery: Sendable, Codable, Equatable {
    public struct Token: Sendable, Codable, Equatable {
        /// LLM visual token k; "sink_fed" or "ordinary"; its top-K words and probabilities.
        public var token: Int
        public var group: String
        public var words: [String]
        public var probs: [Double]
    }

    public var image: Int
    public var imageID: String
    public var layer: Int
    public var tokens: [Token]

    enum CodingKeys: String, CodingKey {
        case image, layer, tokens
        case imageID = "image_id"
    }

    /// nil when the store has no decoded words.
    /// - Throws: `PathwayError.invalidParameter` when `layer` was not decoded.
    static func build(store: StoreReader, groups: [VisualTokenGroup], map: VisualTokenMap, layer: Int?, count: Int,
                      tokensPerGroup: Int) throws -> [DecodedGallery]? {
        let info = try store.lvlmInfo()
        guard let layers = info.decodedLayers, let top = info.decodedTopK, let deepest = layers.last else {
            if let layer { throw PathwayError.invalidParameter(name: "decoded layer", value: "\(layer)", expected: "a store with decoded words (dump_lvlm.py --decode-top-k)") }
            return nil
        }
        let l = layer ?? deepest
        guard layers.contains(l) else {
            throw PathwayError.invalidParameter(name: "decoded layer", value: "\(l)", expected: "one of the decoded LLM layers \(layers)")
        }
        let vocabulary = try store.decodedVocabulary()
        let k = map.tokens, n = store.images.count
        let images = RelevanceMap.chooseImages(groups: groups, imageCount: n, visualTokens: k, count: count)
        guard !images.isEmpty else { return [] }
        let (ids, probs) = try store.decodedWords(layer: l, images: images)
        return images.enumerated().map { row, i in
            let g = groups[(i * k)..<((i + 1) * k)].map { $0 }
            let sinks = Array((0..<k).filter { g[$0] == .vitSink }.prefix(tokensPerGroup))
            let ordinary = (0..<k).filter { g[$0] == .ordinary }
            let shown = max(sinks.count, min(tokensPerGroup, 2))
            let picked = ordinary.isEmpty ? [] : (0..<min(shown, ordinary.count)).map { ordinary[$0 * ordinary.count / min(shown, ordinary.count)] }
            func token(_ t: Int, _ group: String) -> Token {
                let start = (row * k + t) * top
                return Token(token: t, group: group, words: (start..<(start + top)).map { vocabulary[Int(ids[$0])] ?? "#\(ids[$0])" },
                             probs: (start..<(start + top)).map { Double(probs[$0]) })
            }
            return DecodedGallery(image: i, imageID: store.images[i].id, layer: l,
                                  tokens: sinks.map { token($0, "sink_fed") } + picked.map { token($0, "ordinary") })
        }
    }
}
