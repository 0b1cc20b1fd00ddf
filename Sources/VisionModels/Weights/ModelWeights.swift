import Support
import TensorFiles

/// A model's parameters by HF name, as Float arrays with their stored shapes (no transposes applied).
///
/// Loaded from `model.safetensors`, produced by a conversion, or left in the memory-mapped files of a
/// checkpoint (`ModelWeights(checkpoint:)`), where a tensor is read and converted to f32 only when an
/// architecture asks for it; the architectures pick their tensors out of it by name and check each
/// shape before use.
public struct ModelWeights: Sendable {
    public struct Entry: Sendable, Equatable {
        public var shape: [Int]
        public var values: [Float]
        public init(shape: [Int], values: [Float]) {
            self.shape = shape
            self.values = values
        }
    }

    /// Where the weights came from, for error messages (a file path or "conversion of X").
    public var source: String
    public internal(set) var entries: [String: Entry] = [:]
    /// Tensors still in their mapped files, by name (after `scope` is stripped).
    var mapped: [String: MappedTensor] = [:]
    /// The prefix stripped from every stored name by `scoped(to:)`; put back in messages.
    public internal(set) var scope = ""
    /// For a sharded checkpoint, the shard each stored name belongs in (messages only).
    var shardOf: ShardLocator?
    /// Workers that convert a large F16 / BF16 weight matrix to f32 in `parameter` (each a slice of it);
    /// `ModelFolder.load(threads:)` sets it to the run's thread count.
    public var decodeThreads = 1

    public init(source: String, entries: [String: Entry] = [:]) {
        self.source = source
        self.entries = entries
    }

    /// All names, sorted.
    public var names: [String] { Set(entries.keys).union(mapped.keys).sorted() }

    public func contains(_ name: String) -> Bool { entries[name] != nil || mapped[name] != nil }

    /// The stored shape of `name` (in memory or memory-mapped) without reading its values; nil when absent.
    public func shape(of name: String) -> [Int]? {
        if let e = entries[name] { return e.shape }
        if let m = mapped[name] { return try? m.file.info(m.name).shape }
        return nil
    }

    public mutating func set(_ name: String, shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "internal: \(name) shape \(shape) vs \(values.count) values")
        entries[name] = Entry(shape: shape, values: values)
    }

    /// The values of `name`, after checking that its shape is `shape`.
    /// - Throws: `ModelError.missingWeight` (listing the names that exist) or `.wrongShape`.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        if let m = mapped[name] {
            let stored = try m.file.info(m.name).shape
            guard stored == shape else {
                throw ModelError.wrongShape(name: m.name, source: m.file.path, expected: shape, actual: stored)
            }
            return try m.file.floats(m.name)
        }
        guard let e = entries[name] else {
            let full = scope + name
            throw ModelError.missingWeight(name: full, source: shardOf?.shard(for: full) ?? source, available: names.map { scope + $0 })
        }
        guard e.shape == shape else {
            throw ModelError.wrongShape(name: scope + name, source: source, expected: shape, actual: e.shape)
        }
        return e.values
    }

    /// Like `tensor(_:shape:)`, for a weight matrix the forward only reads: in place when it is an
    /// F32 tensor of a mapped checkpoint (no copy; see `ParameterValues`), else an owned f32 copy.
    func parameter(_ name: String, shape: [Int]) throws -> ParameterValues {
        if let m = mapped[name] {
            let view = try m.file.view(m.name)
            guard view.shape == shape else {
                throw ModelError.wrongShape(name: m.name, source: m.file.path, expected: shape, actual: view.shape)
            }
            if let borrowed = view.borrowedFloats() { return ParameterValues(borrowing: borrowed) }
            return try ParameterValues(count: view.count) { out in
                try view.withBytes(elements: 0..<view.count) { raw in
                    let dtype = view.dtype, size = dtype.byteSize
                    // Converted straight into the storage the model keeps, in slices on `decodeThreads`
                    // workers (a BF16 Qwen2.5-VL-3B tower is 0.67 G values to convert at every load).
                    let slices = view.count >= 1 << 18 ? decodeThreads : 1
                    parallelFor(view.count, threads: slices) { r in
                        dtype.decode(UnsafeRawBufferPointer(rebasing: raw[(r.lowerBound * size)..<(r.upperBound * size)]), into: out + r.lowerBound)
                    }
                }
            }
        }
        return ParameterValues(try tensor(name, shape: shape))
    }

    /// Like `tensor(_:shape:)` but returns nil when the tensor is absent (optional parameters such as biases).
    public func optionalTensor(_ name: String, shape: [Int]) throws -> [Float]? {
        contains(name) ? try tensor(name, shape: shape) : nil
    }

    /// The prefix (e.g. "", "dinov2.", "vit.", "vision_model.") under which `anchor` is stored, if any.
    /// Classification checkpoints nest the backbone under such a prefix.
    public func prefix(forAnchor anchor: String, candidates: [String]) -> String? {
        candidates.first { contains($0 + anchor) }
    }
}
