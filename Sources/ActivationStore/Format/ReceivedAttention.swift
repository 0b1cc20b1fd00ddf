/// Attention received by each token: the head-mean column sum of attention probabilities.
public enum ReceivedAttention {
    /// `received[j] = (1/H) Σ_h Σ_i A[h, i, j]` for `attention` `[H, T, T]` (head, query, key).
    /// Rows of a softmax sum to 1, so the result sums to T; a uniform map gives 1 per token.
    /// - Returns: `[T]`.
    public static func compute(_ attention: [Float], heads: Int, tokens: Int) -> [Float] {
        precondition(attention.count == heads * tokens * tokens, "attention has \(attention.count) values, expected H×T×T")
        var sum = [Double](repeating: 0, count: tokens)
        attention.withUnsafeBufferPointer { a in
            for row in 0..<(heads * tokens) {
                let base = row * tokens
                for j in 0..<tokens { sum[j] += Double(a[base + j]) }
            }
        }
        return sum.map { Float($0 / Double(heads)) }
    }
}
