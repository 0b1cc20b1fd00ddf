import Foundation
import TensorFiles

extension StoreReader {
    /// The LLM side of a store imported with `sinkscope import --lvlm`, checked against the shards.
    /// - Throws: `StoreError.notLVLMStore` for any other store, `.badManifest` when the section does
    ///   not pair one file with each shard.
    public func lvlmInfo() throws -> LVLMInfo {
        guard let info = manifest.lvlm else { throw StoreError.notLVLMStore(path: url.path) }
        guard info.files.count == manifest.shards.count, info.tokenPatchWidth != nil || info.visualTokens == model.grid[0] * model.grid[1] else {
            throw StoreError.badManifest(
                path: url.appendingPathComponent(StoreKeys.manifest).path,
                problem: "the lvlm section lists \(info.files.count) files for \(manifest.shards.count) shards and \(info.visualTokens) visual tokens for a \(model.grid[0])x\(model.grid[1]) grid")
        }
        return info
    }

    /// Attention received by the visual tokens inside LLM block `layer`: `[n, P]` (head-mean column
    /// sums over `llm.query_count` query rows).
    public func llmReceived(layer: Int, images: [Int]? = nil) throws -> [Float] {
        let info = try lvlmInfo()
        guard info.llmReceivedLayers.contains(layer) else {
            throw StoreError.notCaptured(store: url.path, what: "LLM received attention", layer: layer, available: info.llmReceivedLayers)
        }
        return try gather(StoreKeys.llmReceived(layer), rowShape: [info.visualTokens], images: images, files: info.files) { try $0.floats(rows: $1) }
    }

    /// LLM hidden states at the visual positions, `[n, P, Dm]`, layer `layer` (0 = input embeddings).
    public func llmHidden(layer: Int, images: [Int]? = nil) throws -> [Float] {
        let info = try lvlmInfo()
        guard info.llmHiddenLayers.contains(layer) else {
            throw StoreError.notCaptured(store: url.path, what: "LLM hidden states", layer: layer, available: info.llmHiddenLayers)
        }
        return try gather(StoreKeys.llmHidden(layer), rowShape: [info.visualTokens, info.llmHiddenSize], images: images, files: info.files) {
            try $0.floats(rows: $1)
        }
    }

    /// LLM sequence position of each visual token, `[n, P]`.
    public func visualPositions(images: [Int]? = nil) throws -> [Int64] {
        let info = try lvlmInfo()
        return try gather(StoreKeys.llmVisualPositions, rowShape: [info.visualTokens], images: images, files: info.files) {
            try $0.tensor(rows: $1).int64s()
        }
    }

    /// S of each image, `[n]`.
    public func sequenceLengths(images: [Int]? = nil) throws -> [Int64] {
        let info = try lvlmInfo()
        return try gather(StoreKeys.llmSequenceLength, rowShape: [], images: images, files: info.files) { try $0.tensor(rows: $1).int64s() }
    }

    /// The number of query rows each image's received attention sums over (its total), `[n]`.
    public func queryCounts(images: [Int]? = nil) throws -> [Int64] {
        let info = try lvlmInfo()
        return try gather(StoreKeys.llmQueryCount, rowShape: [], images: images, files: info.files) { try $0.tensor(rows: $1).int64s() }
    }

    /// The map "LLM visual token k ← ViT patches" of every image, checked against the grid (identity,
    /// width 1, when the store has none).
    public func visualTokenMap() throws -> VisualTokenMap {
        let info = try lvlmInfo(), n = images.count, p = model.grid[0] * model.grid[1]
        guard let m = info.tokenPatchWidth else { return .identity(images: n, patches: p) }
        let values = try gather(StoreKeys.llmTokenPatches, rowShape: [info.visualTokens, m], images: nil, files: info.files) {
            try $0.tensor(rows: $1).int64s()
        }
        return try VisualTokenMap(values: values.map { Int(clamping: $0) }, images: n, tokens: info.visualTokens, width: m, patches: p,
                                  grid: model.grid, source: url.path)
    }

    /// The logit lens at LLM layer `layer`: `[n, K, top-K]` vocabulary ids and probabilities.
    public func decodedWords(layer: Int, images: [Int]? = nil) throws -> (ids: [Int64], probs: [Float]) {
        let info = try lvlmInfo()
        guard let layers = info.decodedLayers, let k = info.decodedTopK, layers.contains(layer) else {
            throw StoreError.notCaptured(store: url.path, what: "decoded words", layer: layer, available: info.decodedLayers ?? [])
        }
        let ids = try gather(StoreKeys.llmDecodedIDs(layer), rowShape: [info.visualTokens, k], images: images, files: info.files) {
            try $0.tensor(rows: $1).int64s()
        }
        let probs = try gather(StoreKeys.llmDecodedProbs(layer), rowShape: [info.visualTokens, k], images: images, files: info.files) {
            try $0.floats(rows: $1)
        }
        return (ids, probs)
    }

    /// The string of each decoded vocabulary id (`llm-words.json`); empty without decoded words.
    public func decodedVocabulary() throws -> [Int: String] {
        guard let file = try lvlmInfo().wordsFile else { return [:] }
        let path = url.appendingPathComponent(file)
        guard let words = try? JSONDecoder().decode(LLMWords.self, from: Data(contentsOf: path)) else {
            throw StoreError.badManifest(path: path.path, problem: "it is not a sinkscope-llm-words JSON file")
        }
        return Dictionary(uniqueKeysWithValues: words.words.compactMap { k, v in Int(k).map { ($0, v) } })
    }
}
