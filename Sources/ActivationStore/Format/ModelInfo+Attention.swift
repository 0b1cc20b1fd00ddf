/// Which attention pattern produced a captured layer: every token may attend every token (`full`),
/// or only the tokens of its own window (`windowed`, Qwen2.5-VL's window blocks).
public enum LayerAttention: String, Codable, Sendable, CaseIterable {
    case full, windowed
}

extension ModelInfo {
    /// True when some block of the model attends within windows (the manifest's
    /// `token_order.windowed_blocks` is not empty).
    public var hasWindowedBlocks: Bool { !(tokenOrder?.windowedBlocks.isEmpty ?? true) }

    /// The attention pattern behind layer `l` (l = 1...L is the output of block l - 1), or nil when
    /// the model has no windowed block (every layer is full, nothing to mark) or for layer 0, the
    /// embedding output, which no attention produced.
    public func attention(ofLayer l: Int) -> LayerAttention? {
        guard hasWindowedBlocks, l >= 1, let order = tokenOrder else { return nil }
        return order.windowedBlocks.contains(l - 1) ? .windowed : .full
    }
}
