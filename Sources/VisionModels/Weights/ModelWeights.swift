/// A model's parameters by HF name, as Float arrays with their stored shapes (no transposes applied).
///
/// Loaded from `model.safetensors` or produced by a conversion; the architectures pick their tensors
/// out of it by name and check each shape before use.
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
    public private(set) var entries: [String: Entry] = [:]

    public init(source: String, entries: [String: Entry] = [:]) {
        self.source = source
        self.entries = entries
    }

    /// All names, sorted.
    public var names: [String] { entries.keys.sorted() }

    public func contains(_ name: String) -> Bool { entries[name] != nil }

    public mutating func set(_ name: String, shape: [Int], values: [Float]) {
        precondition(shape.reduce(1, *) == values.count, "internal: \(name) shape \(shape) vs \(values.count) values")
        entries[name] = Entry(shape: shape, values: values)
    }

    /// The values of `name`, after checking that its shape is `shape`.
    /// - Throws: `ModelError.missingWeight` (listing the names that exist) or `.wrongShape`.
    public func tensor(_ name: String, shape: [Int]) throws -> [Float] {
        guard let e = entries[name] else {
            throw ModelError.missingWeight(name: name, source: source, available: names)
        }
        guard e.shape == shape else {
            throw ModelError.wrongShape(name: name, source: source, expected: shape, actual: e.shape)
        }
        return e.values
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
