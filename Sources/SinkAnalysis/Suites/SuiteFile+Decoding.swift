import Foundation

// Hand-written Codable conformances, for two reasons: a suite file must reject fields it does not
// know (a typo such as `max_iters` would otherwise be ignored silently and the default used), and
// every error must carry the field path so `SuiteParser` can name it and find its line. Encoding
// writes the same keys the file uses, so results.json records the suite as it was read.

/// A coding key for any field name or list index.
struct SuiteKey: CodingKey, Hashable {
    let stringValue: String
    let intValue: Int?
    init(_ s: String) { stringValue = s; intValue = nil }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { stringValue = "\(intValue)"; self.intValue = intValue }
}

/// A decoding error whose description is one sentence for the user (not a Codable diagnostic).
func suiteProblem(_ path: [CodingKey], _ sentence: String) -> DecodingError {
    .dataCorrupted(DecodingError.Context(codingPath: path, debugDescription: sentence))
}

extension Decoder {
    /// The mapping at this point, after checking that it only has `allowed` fields.
    func fields(_ allowed: [String], in what: String) throws -> KeyedDecodingContainer<SuiteKey> {
        let c = try container(keyedBy: SuiteKey.self)
        if let bad = c.allKeys.first(where: { !allowed.contains($0.stringValue) }) {
            throw suiteProblem(codingPath + [bad], "unknown field '\(bad.stringValue)' in \(what); allowed fields: \(allowed.joined(separator: ", "))")
        }
        return c
    }

    /// This entry's name in its named map (the last path component).
    var entryName: String { codingPath.last?.stringValue ?? "" }
}

extension KeyedDecodingContainer where K == SuiteKey {
    func value<T: Decodable>(_ key: String, _ type: T.Type = T.self) throws -> T? {
        try decodeIfPresent(T.self, forKey: SuiteKey(key))
    }

    func required<T: Decodable>(_ key: String, _ type: T.Type = T.self) throws -> T {
        try decode(T.self, forKey: SuiteKey(key))
    }

    /// A field whose value must be one of `allowed` (the raw values of an enum).
    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type, default fallback: E? = nil) throws -> E
    where E.RawValue == String {
        guard let text = try value(key, String.self) ?? fallback?.rawValue else {
            throw DecodingError.keyNotFound(SuiteKey(key), DecodingError.Context(
                codingPath: codingPath, debugDescription: "one of \(E.allCases.map(\.rawValue).joined(separator: ", "))"))
        }
        guard let v = E(rawValue: text) else {
            throw suiteProblem(codingPath + [SuiteKey(key)],
                               "'\(text)' is not one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return v
    }

    /// The entries of a named map, in file order.
    func named<V: Decodable>(_ key: String, _ type: V.Type) throws -> [Named<V>] {
        guard contains(SuiteKey(key)) else { return [] }
        let map = try nestedContainer(keyedBy: SuiteKey.self, forKey: SuiteKey(key))
        return try map.allKeys.map { Named($0.stringValue, try map.decode(V.self, forKey: $0)) }
    }
}

// MARK: - SuiteFile

extension SuiteFile {
    static let fieldNames = ["name", "description", "seed", "layers", "folds", "bootstrap", "permutations", "controls",
                             "groups", "targets", "probes"]

    public init(from decoder: Decoder) throws {
        let c = try decoder.fields(Self.fieldNames, in: "a suite")
        name = try c.required("name")
        description = try c.value("description")
        seed = try c.value("seed") ?? 0
        layers = try c.value("layers") ?? .all
        folds = try c.value("folds") ?? 5
        bootstrap = try c.value("bootstrap") ?? 1000
        permutations = try c.value("permutations") ?? 0
        controls = try c.value("controls") ?? true
        groups = try c.named("groups", GroupEntry.self)
        targets = try c.named("targets", TargetEntry.self)
        probes = try c.named("probes", ProbeEntry.self)
        let path = decoder.codingPath
        guard folds >= 2 else { throw suiteProblem(path + [SuiteKey("folds")], "must be at least 2 (got \(folds))") }
        guard bootstrap == 0 || bootstrap >= 100 else {
            throw suiteProblem(path + [SuiteKey("bootstrap")], "must be 0 (no interval) or at least 100 resamples (1000 recommended), got \(bootstrap)")
        }
        guard permutations >= 0 else { throw suiteProblem(path + [SuiteKey("permutations")], "must be 0 (no test) or a number of permutations") }
        guard !groups.isEmpty else { throw suiteProblem(path + [SuiteKey("groups")], "a suite needs at least one group") }
        guard !probes.isEmpty else { throw suiteProblem(path + [SuiteKey("probes")], "a suite needs at least one probe") }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: SuiteKey.self)
        try c.encode(name, forKey: SuiteKey("name"))
        try c.encodeIfPresent(description, forKey: SuiteKey("description"))
        try c.encode(seed, forKey: SuiteKey("seed"))
        try c.encode(layers, forKey: SuiteKey("layers"))
        try c.encode(folds, forKey: SuiteKey("folds"))
        try c.encode(bootstrap, forKey: SuiteKey("bootstrap"))
        try c.encode(permutations, forKey: SuiteKey("permutations"))
        try c.encode(controls, forKey: SuiteKey("controls"))
        for (key, entries) in [("groups", groups.map { ($0.name, $0.value as Encodable) }),
                               ("targets", targets.map { ($0.name, $0.value as Encodable) }),
                               ("probes", probes.map { ($0.name, $0.value as Encodable) })] {
            var map = c.nestedContainer(keyedBy: SuiteKey.self, forKey: SuiteKey(key))
            for (name, value) in entries { try map.encode(AnyEncodable(value), forKey: SuiteKey(name)) }
        }
    }
}

/// Lets a heterogeneous list of encodables share one loop.
struct AnyEncodable: Encodable {
    let value: Encodable
    init(_ value: Encodable) { self.value = value }
    func encode(to encoder: Encoder) throws { try value.encode(to: encoder) }
}
