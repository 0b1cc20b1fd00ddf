import Foundation
import TensorFiles

/// The map "LLM visual token k ← ViT patches {…}" of an LVLM whose LLM does not see one token per
/// patch: Qwen2.5-VL and InternVL merge 2x2 patches into one token, LLaVA-NeXT and OneVision add
/// tiles (crops stacked top to bottom on the ViT grid) and newline tokens that no patch feeds.
/// Identity (LLaVA-1.5, PaliGemma) is width 1 with token k ← patch k.
///
/// Shape letters: n images, K LLM visual tokens, M patches per token at most, P ViT patches.
/// `values` is `[n, K, M]` row-major: patch indices (row-major over the ViT grid) padded with -1.
public struct VisualTokenMap: Sendable, Equatable {
    public let images: Int, tokens: Int, width: Int, patches: Int
    /// `[n, K, M]` patch index or -1.
    public let values: [Int]

    /// Checks that every index lies in -1 (none) or 0..<P and that no patch feeds two tokens of one
    /// image; returns the problem as a sentence, or nil.
    public static func problem(values: [Int], images n: Int, tokens k: Int, width m: Int, patches p: Int, grid: [Int]?) -> String? {
        guard values.count == n * k * m, m >= 1 else { return "the map has \(values.count) entries, not images x tokens x width = \(n) x \(k) x \(m)" }
        let gridText = grid.map { " of the \($0[0])x\($0[1]) grid" } ?? ""
        for i in 0..<n {
            var owner = [Int](repeating: -1, count: p)
            for t in 0..<k {
                for j in 0..<m {
                    let v = values[(i * k + t) * m + j]
                    if v == -1 { continue }
                    guard v >= 0, v < p else {
                        return "visual token \(t) of image \(i) names ViT patch \(v), outside the \(p) patches\(gridText)"
                    }
                    if owner[v] >= 0, owner[v] != t {
                        return "ViT patch \(v) of image \(i) is claimed by two LLM visual tokens, \(owner[v]) and \(t); a patch feeds at most one token"
                    }
                    owner[v] = t
                }
            }
        }
        return nil
    }

    /// A checked map. - Throws: `StoreError.importFailed` naming `source` and the problem.
    public init(values: [Int], images n: Int, tokens k: Int, width m: Int, patches p: Int, grid: [Int]? = nil, source: String) throws {
        if let problem = Self.problem(values: values, images: n, tokens: k, width: m, patches: p, grid: grid) {
            throw StoreError.importFailed(file: source, problem: problem)
        }
        (self.values, images, tokens, width, patches) = (values, n, k, m, p)
    }

    /// The identity map (token k ← patch k).
    public static func identity(images n: Int, patches p: Int) -> VisualTokenMap {
        VisualTokenMap(unchecked: (0..<n).flatMap { _ in Array(0..<p) }, images: n, tokens: p, width: 1, patches: p)
    }

    init(unchecked values: [Int], images: Int, tokens: Int, width: Int, patches: Int) {
        (self.values, self.images, self.tokens, self.width, self.patches) = (values, images, tokens, width, patches)
    }

    /// Reads `visual_token_patches` `[n, K, M]` (or `[K, M]`, the same for every image) of a dump.
    init(view: TensorView, images n: Int, patches p: Int, grid: [Int]?, url: URL) throws {
        let shape = view.shape
        guard shape.count == 2 || (shape.count == 3 && shape[0] == n), shape.allSatisfy({ $0 > 0 }) else {
            throw StoreError.importFailed(file: url.path, problem: "'visual_token_patches' has shape \(shape); expected [images, tokens, patches per token] or [tokens, patches per token]")
        }
        if let grid, grid[0] * grid[1] != p {
            throw StoreError.importFailed(file: url.path, problem: "'vit_grid' \(grid[0])x\(grid[1]) holds \(grid[0] * grid[1]) patches but the ViT side has \(p)")
        }
        let (k, m) = (shape[shape.count - 2], shape[shape.count - 1])
        var values = try view.int64s(elements: 0..<view.count).map { Int(clamping: $0) }
        if shape.count == 2 { values = Array((0..<n).map { _ in values }.joined()) }
        try self.init(values: values, images: n, tokens: k, width: m, patches: p, grid: grid, source: url.path)
    }

    /// The patches of token `t` of image `i` (none for a newline or prefix token).
    public func patches(image i: Int, token t: Int) -> [Int] {
        let start = (i * tokens + t) * width
        return values[start..<(start + width)].filter { $0 >= 0 }
    }

    /// `[K]` per token of image `i`: true when some patch in `patchMask` (`[P]` of image i) feeds it.
    public func fed(image i: Int, by patchMask: ArraySlice<UInt8>) -> [Bool] {
        let base = patchMask.startIndex
        return (0..<tokens).map { t in patches(image: i, token: t).contains { patchMask[base + $0] != 0 } }
    }
}
