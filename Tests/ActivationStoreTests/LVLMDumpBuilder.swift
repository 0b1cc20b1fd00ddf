import ActivationStore
import Foundation

/// Builds small LVLM dumps with known values for the import tests: n images, P = 4 visual tokens
/// (2x2 grid) at positions `start ..< start + P` of a sequence of S tokens, Lm = 2 LLM blocks,
/// H = 2 heads, Dv = 3, Dm = 5.
struct LVLMDumpBuilder {
    var n = 3, p = 4, s = 9, start = 2, lm = 2, h = 2, dv = 3, dm = 5, vitLayer = 23, vitBlocks = 24

    func vit(_ i: Int, _ token: Int, _ k: Int) -> Float { Float(i * 100 + token * 10 + k) / 4 }
    func llm(_ l: Int, _ i: Int, _ pos: Int, _ k: Int) -> Float { Float(l * 1000 + i * 100 + pos * 10 + k) / 8 }

    /// Attention probabilities [H, S, S] of block b, image i: row q of head h is proportional to
    /// 1 + ((h + q + 3k + b + i) mod 5), so every row sums to 1 and columns differ.
    func attention(_ b: Int, _ i: Int) -> [Float] {
        var a: [Float] = []
        for head in 0..<h {
            for q in 0..<s {
                let w = (0..<s).map { Float(1 + (head + q + 3 * $0 + b + i) % 5) }
                let total = w.reduce(0, +)
                a += w.map { $0 / total }
            }
        }
        return a
    }

    /// Head-mean column sums `[S]` over query rows `from ..< S` (the reference for the importer).
    func received(_ b: Int, _ i: Int, from: Int = 0) -> [Double] {
        let a = attention(b, i)
        var r = [Double](repeating: 0, count: s)
        for head in 0..<h { for q in from..<s { for k in 0..<s { r[k] += Double(a[(head * s + q) * s + k]) } } }
        return r.map { $0 / Double(h) }
    }

    var vitHidden: Tensor { Tensor(floats: (0..<n).flatMap { i in (0..<p).flatMap { t in (0..<dv).map { vit(i, t, $0) } } }, shape: [n, p, dv]) }

    var attentions: Tensor { Tensor(floats: (0..<lm).flatMap { b in (0..<n).flatMap { attention(b, $0) } }, shape: [lm, n, h, s, s]) }

    var columnSums: Tensor {
        Tensor(floats: (0..<lm).flatMap { b in (0..<n).flatMap { received(b, $0).map(Float.init) } }, shape: [lm, n, s])
    }

    var llmHiddenStates: Tensor {
        Tensor(floats: (0...lm).flatMap { l in (0..<n).flatMap { i in (0..<s).flatMap { pos in (0..<dm).map { llm(l, i, pos, $0) } } } },
               shape: [lm + 1, n, s, dm])
    }

    /// Writes a `.safetensors` dump with the given arrays and metadata.
    func write(_ arrays: [(String, Tensor)], metadata: [String: String] = [:], to url: URL) throws {
        try SafetensorsWriter.write(arrays.map { (name: $0.0, tensor: $0.1) }, metadata: metadata, to: url)
    }

    /// The usual LLaVA-like dump: `vit_hidden`, `llm_attentions`, `llm_hidden_states`, `image_token_start`.
    func standard(to url: URL, ids: [String]? = nil) throws {
        var metadata = ["vit_layer": "\(vitLayer)", "vit_blocks": "\(vitBlocks)", "lvlm_name": "toy-llava"]
        if let ids { metadata["image_ids"] = "[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]" }
        try write([("vit_hidden", vitHidden), ("llm_attentions", attentions), ("llm_hidden_states", llmHiddenStates),
                   ("image_token_start", Tensor(int64s: [Int64(start)], shape: []))], metadata: metadata, to: url)
    }
}
