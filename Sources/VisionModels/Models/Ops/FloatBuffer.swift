/// A fixed-size, zero-initialised Float scratch buffer for one forward pass.
///
/// Forward passes hand raw pointers to BLAS and to the op functions; owning the memory in a class
/// keeps those pointers valid for the whole pass without nesting `withUnsafeMutableBufferPointer`
/// closures, and frees it when the pass ends (memory does not accumulate across batches).
final class FloatBuffer {
    let count: Int
    let pointer: UnsafeMutablePointer<Float>

    init(_ count: Int) {
        self.count = count
        pointer = .allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }

    func zero() { pointer.update(repeating: 0, count: count) }

    /// A copy of `count` values starting at `offset`.
    func array(offset: Int = 0, count: Int) -> [Float] {
        Array(UnsafeBufferPointer(start: pointer + offset, count: count))
    }
}
