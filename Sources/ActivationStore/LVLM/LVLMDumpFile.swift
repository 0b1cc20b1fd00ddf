import Foundation
import TensorFiles

/// One LVLM dump (`.npz` or `.safetensors`) with every array's shape checked against the others.
///
/// Layout (docs/lvlm.md): the ViT side as `vit_hidden` [n, P, Dv] (patch tokens at the layer the LVLM
/// uses) or `vit_hidden_states` [Lv+1, n, Tv, Dv] (the whole stack, prefix tokens included); the LLM
/// side as `llm_attention_received` [Lm, n, S] or `llm_attentions` [Lm, n, H, S, S], and
/// `llm_hidden_visual` [Lm+1, n, P, Dm] or `llm_hidden_states` [Lm+1, n, S, Dm]; the map
/// `visual_positions` [n, P] (or `image_token_start` [n]); optional `sequence_lengths` [n],
/// `query_start` [n], `image_ids` [n]; scalars `vit_layer`, `vit_blocks`, `lvlm_name` (0-d arrays in
/// `.npz`, `__metadata__` entries in `.safetensors`).
struct LVLMDumpFile {
    enum Vision {
        case patches(TensorView)  // [n, P, Dv] at `vitLayer`
        case stack(TensorView)    // [Lv+1, n, Tv, Dv]
    }
    enum Received {
        case columnSums(TensorView)  // [Lm, n, S]
        case attentions(TensorView)  // [Lm, n, H, S, S]
    }
    enum LLMHidden {
        case visual(TensorView)    // [Lm+1, n, P, Dm]
        case sequence(TensorView)  // [Lm+1, n, S, Dm]
    }

    let url: URL
    let vision: Vision
    let received: Received?
    let llmHidden: LLMHidden?
    /// The LLM layer of each entry of the hidden-state array's first axis (0...Lm unless the dump
    /// gives `llm_hidden_layers`), ascending.
    let llmHiddenLayers: [Int]
    /// n, P (ViT patch tokens on the grid), Dv, Tv (prefix + P), S.
    let images: Int, patches: Int, vitDim: Int, vitTokens: Int, sequence: Int
    /// K, the LLM's visual tokens (P unless `visual_token_patches` maps merged or tiled tokens).
    let visualTokens: Int
    /// The map "LLM visual token k ← ViT patches {…}", the ViT grid it refers to, the decoded words.
    let tokenMap: VisualTokenMap?
    let vitGrid: [Int]?
    let decoded: DecodedWords?
    /// `lvlm_family` and `token_merge` strings, when the dump gives them.
    let family: String?, tokenMerge: String?
    /// The HF hidden-state index of the ViT layer the LVLM uses, and Lv.
    let vitLayer: Int, vitBlocks: Int
    /// Lm (from whichever LLM array is present), Dm (0 without hidden), H (0 without attentions).
    let llmBlocks: Int, llmDim: Int, llmHeads: Int
    /// `[n * P]` LLM position of each patch; `[n]` S_i; `[n]` first summed query row.
    let positions: [Int], sequenceLengths: [Int], queryStart: [Int]
    /// False when the dump gives no sequence length (no sequence array, no `sequence_lengths`):
    /// `sequenceLengths` is then each image's last visual position + 1.
    let sequenceLengthsKnown: Bool
    let ids: [String]?
    let name: String?

    /// ViT layers with hidden states in this file (one, or 0...Lv for a stack).
    var vitLayers: [Int] {
        if case .stack = vision { return Array(0...vitBlocks) }
        return [vitLayer]
    }

    /// Opens and checks `url`; `vitLayer` / `vitBlocks` override the dump's scalars.
    init(url: URL, vitLayer vitLayerOption: Int?, vitBlocks vitBlocksOption: Int?) throws {
        let file = try TensorContainer.open(url)
        if case .npy = file {
            throw StoreError.importFailed(file: url.path, problem: "an LVLM dump holds several arrays, so it must be a .npz or .safetensors file, not a single .npy")
        }
        try self.init(url: url, file: file, vitLayer: vitLayerOption, vitBlocks: vitBlocksOption)
    }

    private init(url: URL, file: TensorContainer, vitLayer vitLayerOption: Int?, vitBlocks vitBlocksOption: Int?) throws {
        self.url = url
        func fail(_ problem: String) -> StoreError { .importFailed(file: url.path, problem: problem) }
        let reader = ScalarReader(file: file, url: url)
        let single = try reader.floatView("vit_hidden", rank: 3, meaning: "[images, patches, dim]")
        let stack = try reader.floatView("vit_hidden_states", rank: 4, meaning: "[layers, images, tokens, dim]")
        guard single != nil || stack != nil else {
            throw fail("there is neither 'vit_hidden' [images, patches, dim] nor 'vit_hidden_states' [layers, images, tokens, dim] (the file has: \(file.names.joined(separator: ", ")))")
        }
        let columnSums = try reader.floatView("llm_attention_received", rank: 3, meaning: "[llm layers, images, sequence]")
        let attentions = try reader.floatView("llm_attentions", rank: 5, meaning: "[llm layers, images, heads, sequence, sequence]")
        let hiddenVisual = try reader.floatView("llm_hidden_visual", rank: 4, meaning: "[llm layers + 1, images, patches, dim]")
        let hiddenSequence = try reader.floatView("llm_hidden_states", rank: 4, meaning: "[llm layers + 1, images, sequence, dim]")
        guard columnSums != nil || attentions != nil || hiddenVisual != nil || hiddenSequence != nil else {
            throw fail("there is no language-model array ('llm_attention_received', 'llm_attentions', 'llm_hidden_visual' or 'llm_hidden_states')")
        }

        // n and P: from the ViT side first, then the position map, then the LLM's visual hidden states.
        let n = single?.shape[0] ?? stack!.shape[1]
        let positionView = try reader.intView("visual_positions")
        let mapView = try reader.intView("visual_token_patches")
        let grid = try reader.intView("vit_grid").map { try $0.tensor().int64s().map { Int(clamping: $0) } }
        if let grid, grid.count != 2 || grid.contains(where: { $0 <= 0 }) { throw fail("'vit_grid' is \(grid); expected [rows, cols] of the ViT patches") }
        vitGrid = grid
        var p = single?.shape[1] ?? (mapView == nil ? positionView?.shape.last ?? hiddenVisual?.shape[2] : grid.map { $0[0] * $0[1] })
        if p == nil, let stack { p = stack.shape[2] - 1 }
        guard let p, p > 0 else { throw fail("cannot tell the number of visual tokens P; add 'visual_positions' [images, patches]") }
        let k = mapView.map { $0.shape.count >= 2 ? $0.shape[$0.shape.count - 2] : 0 } ?? p
        (images, patches, visualTokens) = (n, p, k)

        // The ViT side.
        if let stack {
            let (tv, dv) = (stack.shape[2], stack.shape[3])
            guard tv >= p else { throw fail("'vit_hidden_states' has \(tv) tokens, fewer than the \(p) visual tokens") }
            vitBlocks = stack.shape[0] - 1
            if let vitBlocksOption, vitBlocksOption != vitBlocks {
                throw fail("--vit-blocks \(vitBlocksOption) disagrees with 'vit_hidden_states', which holds \(vitBlocks + 1) hidden states")
            }
            let layer = try vitLayerOption ?? reader.int("vit_layer") ?? vitBlocks - 1
            guard (0...vitBlocks).contains(layer) else { throw fail("vit_layer \(layer) is outside the stack's layers 0...\(vitBlocks)") }
            vitLayer = layer
            (vitDim, vitTokens) = (dv, tv)
            if let single {
                try Self.checkSameVision(single: single, stack: stack, layer: layer, patches: p, url: url)
            }
            vision = .stack(stack)
        } else {
            let single = single!
            guard let layer = try vitLayerOption ?? reader.int("vit_layer") else {
                throw fail("'vit_hidden' does not say which ViT layer it is; add a 'vit_layer' scalar or give --vit-layer (LLaVA-1.5: 23, i.e. hidden_states[-2] of CLIP ViT-L/14)")
            }
            let blocks = try vitBlocksOption ?? reader.int("vit_blocks") ?? layer
            guard layer >= 0, blocks >= layer else { throw fail("vit_layer \(layer) must lie in 0...vit_blocks (\(blocks))") }
            (vitLayer, vitBlocks, vitDim, vitTokens) = (layer, blocks, single.shape[2], p)
            vision = .patches(single)
        }

        // The LLM side: Lm, S, H, Dm, all arrays agreeing on n and P.
        var blocks: Int?, sequence: Int?
        func agree(_ name: String, lm: Int, s: Int?) throws {
            if let b = blocks, b != lm { throw fail("'\(name)' covers \(lm) LLM blocks but another LLM array covers \(b); hidden states have one more entry than attentions (HF order)") }
            if let s, let q = sequence, q != s { throw fail("'\(name)' has sequence length \(s) but another LLM array has \(q)") }
            blocks = lm
            if let s { sequence = s }
        }
        func sameImages(_ v: TensorView, _ axis: Int) throws {
            guard v.shape[axis] == n else { throw fail("'\(v.info.name)' holds \(v.shape[axis]) images but the ViT side holds \(n)") }
        }
        if columnSums != nil && attentions != nil { throw fail("give either 'llm_attention_received' or 'llm_attentions', not both") }
        if hiddenVisual != nil && hiddenSequence != nil { throw fail("give either 'llm_hidden_visual' or 'llm_hidden_states', not both") }
        if let v = columnSums {
            try sameImages(v, 1); try agree(v.info.name, lm: v.shape[0], s: v.shape[2])
            received = .columnSums(v)
        } else if let v = attentions {
            try sameImages(v, 1)
            guard v.shape[3] == v.shape[4] else { throw fail("'llm_attentions' has shape \(v.shape); the last two axes (query, key) must be equal") }
            try agree(v.info.name, lm: v.shape[0], s: v.shape[3])
            received = .attentions(v)
        } else {
            received = nil
        }
        if let v = hiddenVisual {
            try sameImages(v, 1)
            guard v.shape[2] == k else { throw fail("'llm_hidden_visual' has \(v.shape[2]) visual tokens, expected \(k)") }
            llmHidden = .visual(v)
        } else if let v = hiddenSequence {
            try sameImages(v, 1)
            if let q = sequence, q != v.shape[2] { throw fail("'llm_hidden_states' has sequence length \(v.shape[2]) but another LLM array has \(q)") }
            sequence = v.shape[2]
            llmHidden = .sequence(v)
        } else {
            llmHidden = nil
        }
        if let v = hiddenVisual ?? hiddenSequence {
            // A dump may keep only some LLM layers (a 7B model's 33 x P x 4096 per image is large).
            if let list = try reader.ints("llm_hidden_layers", count: v.shape[0]) {
                guard list.first! >= 0, zip(list, list.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw fail("'llm_hidden_layers' \(list) must be ascending layer numbers >= 0")
                }
                let lm = try blocks ?? reader.int("llm_blocks") ?? list.last!
                guard list.last! <= lm else { throw fail("'llm_hidden_layers' goes up to \(list.last!) but the LLM has \(lm) blocks") }
                blocks = lm
                llmHiddenLayers = list
            } else {
                try agree(v.info.name, lm: v.shape[0] - 1, s: nil)
                llmHiddenLayers = Array(0..<v.shape[0])
            }
        } else {
            llmHiddenLayers = []
        }
        llmBlocks = blocks ?? 0
        llmDim = llmHidden.map { switch $0 { case let .visual(v), let .sequence(v): return v.shape[3] } } ?? 0
        llmHeads = attentions?.shape[2] ?? 0
        guard llmBlocks >= 1 || received == nil else { throw fail("the LLM arrays cover no block") }

        // Sequence lengths, query rows and the patch → position map.
        let lengths = try reader.ints("sequence_lengths", count: n)
        if let v = positionView {
            guard v.shape == [n, k] else { throw fail("'visual_positions' has shape \(v.shape), expected [\(n), \(k)]") }
            positions = try v.tensor().int64s().map { Int(clamping: $0) }
        } else if let starts = try reader.ints("image_token_start", count: n) {
            // A start near Int.max overflowed start + p (found while writing the dump fuzz target).
            if let i = starts.indices.first(where: { starts[$0] < 0 || starts[$0] > Int.max - k }) {
                throw fail("image_token_start[\(i)] = \(starts[i]) cannot start \(k) visual tokens in a sequence (it must be a position >= 0)")
            }
            positions = (0..<n).flatMap { i in (0..<k).map { starts[i] + $0 } }
        } else if columnSums == nil, attentions == nil, hiddenSequence == nil {
            positions = (0..<n).flatMap { _ in Array(0..<k) }  // unused: nothing is gathered from the sequence
        } else {
            throw fail("there is no 'visual_positions' [images, patches] nor 'image_token_start' [images] to find the visual tokens in the LLM sequence (LLaVA-1.5: the position of the first image token)")
        }
        // With only `llm_hidden_visual` (no attention, no whole-sequence states, no
        // `sequence_lengths`) nothing says how long each sequence is: record the shortest length
        // that holds the image's visual tokens, and say so (`sequenceLengthsKnown`).
        let mapped = positions
        let shortest = (0..<n).map { i in max(1, min(mapped[(i * k)..<((i + 1) * k)].max() ?? 0, Int.max - 1) + 1) }
        sequenceLengthsKnown = sequence != nil || lengths != nil
        let s = sequence ?? lengths?.max() ?? shortest.max() ?? 1
        self.sequence = s
        sequenceLengths = lengths ?? (sequence != nil ? Array(repeating: s, count: n) : shortest)
        queryStart = try reader.ints("query_start", count: n) ?? Array(repeating: 0, count: n)
        try Self.checkSequences(positions: positions, lengths: sequenceLengths, queryStart: queryStart,
                                patches: k, sequence: s, gathers: columnSums != nil || attentions != nil || hiddenSequence != nil, url: url)
        ids = try reader.ids(count: n)
        name = try reader.string("lvlm_name")
        family = try reader.string("lvlm_family")
        tokenMerge = try reader.string("token_merge")
        tokenMap = try mapView.map { try VisualTokenMap(view: $0, images: n, patches: p, grid: grid, url: url) }
        if tokenMap == nil, let hidden = hiddenVisual, hidden.shape[2] != p {
            throw fail("'llm_hidden_visual' has \(hidden.shape[2]) visual tokens but the ViT side \(p) patches; add 'visual_token_patches' [images, tokens, patches per token] to map them")
        }
        decoded = try DecodedWords(reader: reader, images: n, visualTokens: k, url: url)
    }

    // MARK: - Checks

    /// Every S_i within 1...S, query rows within the sequence, positions unique and inside S_i.
    private static func checkSequences(positions: [Int], lengths: [Int], queryStart: [Int], patches p: Int, sequence s: Int,
                                       gathers: Bool, url: URL) throws {
        func fail(_ problem: String) -> StoreError { .importFailed(file: url.path, problem: problem) }
        for i in 0..<lengths.count {
            guard lengths[i] >= 1, lengths[i] <= max(s, 1) else { throw fail("sequence_lengths[\(i)] = \(lengths[i]) is outside 1...\(s)") }
            guard queryStart[i] >= 0, queryStart[i] < lengths[i] else {
                throw fail("query_start[\(i)] = \(queryStart[i]) leaves no query row in a sequence of \(lengths[i]) tokens")
            }
            guard gathers else { continue }
            let row = positions[(i * p)..<((i + 1) * p)]
            if let bad = row.first(where: { $0 < 0 || $0 >= lengths[i] }) {
                throw fail("image \(i) maps a visual token to position \(bad), outside its sequence of \(lengths[i]) tokens")
            }
            guard Set(row).count == p else { throw fail("image \(i) maps two visual tokens to the same sequence position") }
        }
    }

    /// `vit_hidden` must be the patch tokens of `vit_hidden_states[layer]` (catches an off-by-one
    /// layer such as hidden_states[-1] vs [-2]); checked on the first image.
    private static func checkSameVision(single: TensorView, stack: TensorView, layer: Int, patches p: Int, url: URL) throws {
        let (n, tv, dv) = (stack.shape[1], stack.shape[2], stack.shape[3])
        guard single.shape == [n, p, dv] else {
            throw StoreError.importFailed(file: url.path, problem: "'vit_hidden' has shape \(single.shape) but 'vit_hidden_states' implies [\(n), \(p), \(dv)]")
        }
        let start = (layer * n * tv + (tv - p)) * dv
        let a = try stack.floats(elements: start..<(start + p * dv)), b = try single.floats(rows: 0..<1)
        let scale = max(b.map { Swift.abs($0) }.max() ?? 0, 1e-6)
        if let k = a.indices.first(where: { Swift.abs(a[$0] - b[$0]) > 1e-3 * scale }) {
            throw StoreError.importFailed(file: url.path, problem: "'vit_hidden' differs from the patch tokens of 'vit_hidden_states'[\(layer)] (image 0, patch \(k / dv)); check vit_layer")
        }
    }
}
