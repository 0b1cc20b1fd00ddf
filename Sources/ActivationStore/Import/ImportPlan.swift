import Foundation

/// The checked agreement of all dump files: layers, T, D, H, L and the image list.
struct ImportPlan {
    let layers: [Int]
    let tokens: Int, dim: Int, heads: Int
    /// L, the number of blocks.
    let blocks: Int
    let layout: TokenLayout
    let imageEntries: [ImageEntry]

    init(dumps: [DumpFile], options: ImportOptions) throws {
        let first = dumps[0]
        for d in dumps.dropFirst() {
            func fail(_ what: String) -> StoreError { .importFailed(file: d.url.path, problem: "\(what) differ from those of \(first.url.lastPathComponent); all inputs must come from the same model and layers") }
            guard d.layers == first.layers else { throw fail("its layers \(d.layers)") }
            guard d.tokens == first.tokens, d.dim == first.dim else { throw fail("its tokens × dim \(d.tokens)×\(d.dim)") }
            guard d.heads == first.heads, d.attentionBlocks == first.attentionBlocks else { throw fail("its attentions (present, heads, blocks)") }
        }
        layers = first.layers
        tokens = first.tokens
        dim = first.dim
        heads = first.heads
        let maxLayer = layers.last!
        if case .stacked = first.hidden {
            // HF: L+1 hidden states (embedding + blocks) and L attention maps.
            blocks = maxLayer
            if first.attentions != nil, first.attentionBlocks != blocks {
                throw StoreError.importFailed(file: first.url.path, problem: "'attentions' has \(first.attentionBlocks) layers but 'hidden_states' has \(maxLayer + 1); expected one attention map per block, i.e. one fewer than the hidden states (HF order)")
            }
        } else {
            blocks = max(maxLayer, first.attentionBlocks)
            if first.attentions != nil, first.attentionBlocks < maxLayer {
                throw StoreError.importFailed(file: first.url.path, problem: "'attentions' covers blocks 1...\(first.attentionBlocks) but hidden states go up to layer \(maxLayer)")
            }
        }
        if options.keepAttention && first.attentions == nil {
            throw StoreError.importFailed(file: first.url.path, problem: "--keep-attention was given but the file has no 'attentions' array")
        }
        layout = try TokenLayout.resolve(tokens: tokens, prefixTokens: options.prefixTokens, grid: options.grid, file: first.url.path)
        var entries: [ImageEntry] = []
        for d in dumps {
            for i in 0..<d.images {
                entries.append(ImageEntry(id: d.ids?[i] ?? String(entries.count), source: d.url.path))
            }
        }
        var seen = Set<String>()
        for e in entries where !seen.insert(e.id).inserted { throw StoreError.duplicateImage(id: e.id) }
        imageEntries = entries
    }
}
