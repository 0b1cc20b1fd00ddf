/// Element counts and byte sizes of shapes, with overflow checks: a hostile header can declare
/// `[2^62, 2^62]`, and the product must be rejected before anything is allocated from it.
public enum Shape {
    /// The product of `shape`, or nil when a dimension is negative or the product overflows `Int`.
    public static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dim in shape {
            guard dim >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dim)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// `elementCount(shape) * dtype.byteSize`, or nil on a negative dimension or overflow.
    public static func byteCount(_ shape: [Int], dtype: DType) -> Int? {
        guard let count = elementCount(shape) else { return nil }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : bytes
    }

    /// `[2, 3, 4]` as text for messages.
    static func text(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
