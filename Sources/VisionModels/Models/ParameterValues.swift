import TensorFiles

/// A weight matrix's values as the forward reads them: in place in a memory-mapped F32 checkpoint
/// (no copy, no load time, and the pages are shared with the page cache instead of doubled in
/// resident memory), or an owned copy when they had to be converted (F16 / BF16), were built in
/// memory, or come from parts that do not lie side by side.
///
/// A value type over an immutable buffer: copies share it, and `owner` keeps it alive.
struct ParameterValues: @unchecked Sendable {   // read-only storage; the owner is never mutated
    let base: UnsafePointer<Float>
    let count: Int
    private let owner: AnyObject

    /// An owned copy of `values`.
    init(_ values: [Float]) {
        let storage = OwnedFloats(values)
        self.init(base: storage.base, count: values.count, owner: storage)
    }

    /// `count` values written in place by `initialize` (which must set every one), without a
    /// temporary array: a converted weight is decoded straight into the storage the model keeps.
    init(count: Int, initializingWith initialize: (UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        let storage = try OwnedFloats(count: count, initialize)
        self.init(base: storage.base, count: count, owner: storage)
    }

    /// The mapped elements themselves.
    init(borrowing borrowed: BorrowedFloats) {
        self.init(base: borrowed.base, count: borrowed.count, owner: borrowed.owner)
    }

    private init(base: UnsafePointer<Float>, count: Int, owner: AnyObject) {
        self.base = base
        self.count = count
        self.owner = owner
    }

    /// True when the values are read in place from a mapped file.
    var isBorrowed: Bool { !(owner is OwnedFloats) }

    subscript(i: Int) -> Float { base[i] }

    /// Rows `rows` of a row-major matrix `width` wide, sharing this storage.
    func rows(_ rows: Range<Int>, width: Int) -> ParameterValues {
        precondition(rows.lowerBound >= 0 && rows.upperBound * width <= count, "internal: rows \(rows) outside \(count / max(width, 1))")
        return ParameterValues(base: base + rows.lowerBound * width, count: rows.count * width, owner: owner)
    }

    /// The parts as one matrix stacked by rows: in place when they already lie back to back in one
    /// storage (the row blocks of a fused q | k | v tensor), else an owned copy.
    static func stacking(_ parts: [ParameterValues]) -> ParameterValues {
        if let first = parts.first, parts.allSatisfy({ $0.owner === first.owner }),
           zip(parts, parts.dropFirst()).allSatisfy({ $0.base + $0.count == $1.base }) {
            return ParameterValues(base: first.base, count: parts.reduce(0) { $0 + $1.count }, owner: first.owner)
        }
        return ParameterValues(parts.flatMap(\.array))
    }

    /// A copy as an array (tests, and stacking parts that are apart).
    var array: [Float] { Array(UnsafeBufferPointer(start: base, count: count)) }
}

/// Heap storage for `ParameterValues` that own their values.
private final class OwnedFloats {
    let base: UnsafePointer<Float>

    init(_ values: [Float]) {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(values.count, 1))
        values.withUnsafeBufferPointer { if let source = $0.baseAddress { p.initialize(from: source, count: values.count) } }
        base = UnsafePointer(p)
    }

    init(count: Int, _ initialize: (UnsafeMutablePointer<Float>) throws -> Void) rethrows {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        do { try initialize(p) } catch {
            p.deallocate()
            throw error
        }
        base = UnsafePointer(p)
    }

    deinit { UnsafeMutablePointer(mutating: base).deallocate() }
}
