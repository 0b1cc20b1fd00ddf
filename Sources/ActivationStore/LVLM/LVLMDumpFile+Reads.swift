import Foundation
import TensorFiles

extension LVLMDumpFile {
    /// ViT hidden states `[Tv * Dv]` of image `i` at ViT layer `l`.
    func vitHidden(layer l: Int, image i: Int) throws -> [Float] {
        switch vision {
        case let .patches(v): return try v.floats(rows: i..<(i + 1))
        case let .stack(v):
            let size = vitTokens * vitDim, start = (l * images + i) * size
            return try v.floats(elements: start..<(start + size))
        }
    }

    /// Received attention `[P]` at the visual positions of image `i` inside LLM block `block + 1`,
    /// summed over query rows `queryStart[i] ..< S_i` and averaged over heads; its total over all
    /// S_i keys is checked against the number of query rows.
    func received(block: Int, image i: Int) throws -> [Float] {
        guard let received else { return [] }
        let s = sequence, length = sequenceLengths[i], queries = length - queryStart[i]
        var full: [Double]
        switch received {
        case let .columnSums(v):
            let start = (block * images + i) * s
            full = try v.floats(elements: start..<(start + s)).map(Double.init)
        case let .attentions(v):
            let h = llmHeads, start = (block * images + i) * h * s * s
            let a = try v.floats(elements: start..<(start + h * s * s))
            full = [Double](repeating: 0, count: s)
            for head in 0..<h {
                for q in queryStart[i]..<length {
                    let row = (head * s + q) * s
                    for k in 0..<s { full[k] += Double(a[row + k]) }
                }
            }
            full = full.map { $0 / Double(h) }
        }
        try checkTotal(full, length: length, queries: queries, block: block, image: i)
        return positions[(i * visualTokens)..<((i + 1) * visualTokens)].map { Float(full[$0]) }
    }

    /// Σ_k r_k over the sequence must equal the number of summed query rows (each softmax row sums
    /// to 1), up to half-precision rounding; otherwise the dump used another normalisation.
    private func checkTotal(_ full: [Double], length: Int, queries: Int, block: Int, image i: Int) throws {
        func fail(_ problem: String) -> StoreError { .importFailed(file: url.path, problem: problem) }
        if let k = full.firstIndex(where: { !$0.isFinite }) {
            throw fail("the LLM attention of image \(i), block \(block + 1) holds a NaN or infinity at position \(k)")
        }
        let total = full[0..<length].reduce(0, +)
        guard Swift.abs(total - Double(queries)) <= 0.02 * Double(queries) + 1e-3 else {
            throw fail(String(format: "the attention received in image %d, LLM block %d totals %.4g, not the %d summed query rows; it must be the head-mean column sum of softmax probabilities over query rows query_start..<S", i, block + 1, total, queries))
        }
    }

    /// LLM hidden states `[P * Dm]` at the visual positions of image `i`, layer `l` (one of `llmHiddenLayers`).
    func llmHidden(layer l: Int, image i: Int) throws -> [Float] {
        guard let llmHidden else { return [] }
        let p = visualTokens, d = llmDim
        let entry = llmHiddenLayers.firstIndex(of: l)!
        switch llmHidden {
        case let .visual(v):
            let start = (entry * images + i) * p * d
            return try v.floats(elements: start..<(start + p * d))
        case let .sequence(v):
            var out: [Float] = []
            out.reserveCapacity(p * d)
            for pos in positions[(i * p)..<((i + 1) * p)] {
                let start = ((entry * images + i) * sequence + pos) * d
                out += try v.floats(elements: start..<(start + d))
            }
            return out
        }
    }
}
