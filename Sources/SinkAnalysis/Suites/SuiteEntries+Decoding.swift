import Foundation

// Decoding of the named entries. An entry may leave out `kind` when its name is a kind
// (`cls: {}`, `logistic: {c: 1}`), which keeps the common cases one line long.

// MARK: - Groups

/// The values of a group's `reduce` field: the engine's reductions plus `tokens` (no reduction).
enum SampleForm: String, CaseIterable {
    case mean, maxnorm, tokens

    var reduction: Reduction? { Reduction(rawValue: rawValue) }
}

extension GroupEntry {
    static let detectionFields = ["tau", "k", "m", "abs", "ratio", "dims"]

    public init(from decoder: Decoder) throws {
        let all = ["kind", "reduce", "method", "matched"] + Self.detectionFields
        let c = try decoder.fields(all, in: "a group")
        let path = decoder.codingPath
        kind = try c.choice("kind", GroupKind.self, default: GroupKind(rawValue: decoder.entryName))
        reduce = try c.choice("reduce", SampleForm.self, default: .mean).reduction
        detection = nil
        k = nil
        matched = nil
        func refuse(_ fields: [String], _ why: String) throws {
            if let bad = fields.first(where: { c.contains(SuiteKey($0)) }) {
                throw suiteProblem(path + [SuiteKey(bad)], "a \(kind.rawValue) group does not read '\(bad)'; \(why)")
            }
        }
        switch kind {
        case .cls, .registers, .patches:
            try refuse(["method", "matched"] + Self.detectionFields, "it takes only kind and reduce")
        case .sinks, .nonsinks:
            try refuse(["matched"], "it takes a detection method and its parameters")
            detection = try DetectionSpec(decoding: c, path: path)
        case .random:
            try refuse(["method"] + Self.detectionFields.filter { $0 != "k" }, "it takes k or matched")
            k = try c.value("k", Int.self)
            matched = try c.value("matched", String.self)
            guard (k == nil) != (matched == nil) else {
                throw suiteProblem(path, "a random group needs exactly one of k (tokens per image) or matched (the name of a group to match in size)")
            }
            if let k, k < 1 { throw suiteProblem(path + [SuiteKey("k")], "must be at least 1 token per image (got \(k))") }
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: SuiteKey.self)
        try c.encode(kind.rawValue, forKey: SuiteKey("kind"))
        try c.encode(reduce?.rawValue ?? SampleForm.tokens.rawValue, forKey: SuiteKey("reduce"))
        try c.encodeIfPresent(k, forKey: SuiteKey("k"))
        try c.encodeIfPresent(matched, forKey: SuiteKey("matched"))
        if let d = detection {
            try c.encode(d.method.rawValue, forKey: SuiteKey("method"))
            try c.encodeIfPresent(d.tau, forKey: SuiteKey("tau"))
            try c.encodeIfPresent(d.k, forKey: SuiteKey("k"))
            try c.encodeIfPresent(d.m, forKey: SuiteKey("m"))
            try c.encodeIfPresent(d.abs, forKey: SuiteKey("abs"))
            try c.encodeIfPresent(d.ratio, forKey: SuiteKey("ratio"))
            try c.encodeIfPresent(d.dims, forKey: SuiteKey("dims"))
        }
    }
}

extension DetectionSpec {
    /// The `method` field and the parameters it reads, from a group's mapping.
    init(decoding c: KeyedDecodingContainer<SuiteKey>, path: [CodingKey]) throws {
        guard let name = try c.value("method", String.self) else {
            throw suiteProblem(path + [SuiteKey("method")],
                               "missing: a sink group needs a detection method (\(DetectionMethod.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard let method = DetectionMethod(rawValue: name) else {
            throw suiteProblem(path + [SuiteKey("method")],
                               "unknown detection method '\(name)'; choose one of \(DetectionMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let bad = GroupEntry.detectionFields.first(where: { c.contains(SuiteKey($0)) && !method.parameterNames.contains($0) }) {
            throw suiteProblem(path + [SuiteKey(bad)],
                               "detection method \(name) does not read '\(bad)'; it reads \(method.parameterNames.joined(separator: ", "))")
        }
        self.init(method: method, tau: try c.value("tau"), k: try c.value("k"), m: try c.value("m"),
                  abs: try c.value("abs"), ratio: try c.value("ratio"), dims: try c.value("dims"))
        do { _ = try detector() } catch let DetectionError.invalidParameter(_, field, value, expected) {
            throw suiteProblem(path + [SuiteKey(field)], "\(field)=\(value) is invalid for method \(name); it must be \(expected)")
        }
    }
}

// MARK: - Targets

extension TargetEntry {
    enum Kind: String, CaseIterable { case label, position, patchColor = "patch_color", control }

    public init(from decoder: Decoder) throws {
        let c = try decoder.fields(["kind", "column", "axis", "of", "tag"], in: "a target")
        let path = decoder.codingPath
        let kind = try c.choice("kind", Kind.self, default: Kind(rawValue: decoder.entryName))
        let used: [(String, Kind)] = [("axis", .position), ("column", .label), ("of", .control)]
        if let (field, owner) = used.first(where: { c.contains(SuiteKey($0.0)) && $0.1 != kind }) {
            throw suiteProblem(path + [SuiteKey(field)], "a \(kind.rawValue) target does not read '\(field)' (only \(owner.rawValue) targets do)")
        }
        tag = try c.value("tag")
        switch kind {
        case .label: self.kind = .label(column: try c.value("column") ?? decoder.entryName)
        case .position: self.kind = .position(try c.choice("axis", PositionAxis.self, default: .rowCol))
        case .patchColor: self.kind = .patchColor
        case .control:
            guard let of = try c.value("of", String.self) else {
                throw suiteProblem(path + [SuiteKey("of")], "missing: a control target names the target it controls, e.g. of: texture")
            }
            self.kind = .control(of: of)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: SuiteKey.self)
        switch kind {
        case .label(let column):
            try c.encode("label", forKey: SuiteKey("kind")); try c.encode(column, forKey: SuiteKey("column"))
        case .position(let axis):
            try c.encode("position", forKey: SuiteKey("kind")); try c.encode(axis.rawValue, forKey: SuiteKey("axis"))
        case .patchColor:
            try c.encode("patch_color", forKey: SuiteKey("kind"))
        case .control(let of):
            try c.encode("control", forKey: SuiteKey("kind")); try c.encode(of, forKey: SuiteKey("of"))
        }
        try c.encodeIfPresent(tag, forKey: SuiteKey("tag"))
    }
}

// MARK: - Probes

extension ProbeEntry {
    enum Kind: String, CaseIterable { case logistic, ridge, pca }

    public init(from decoder: Decoder) throws {
        let c = try decoder.fields(["kind", "c", "max_iter", "alpha", "components"], in: "a probe")
        let path = decoder.codingPath
        let kind = try c.choice("kind", Kind.self, default: Kind(rawValue: decoder.entryName))
        let reads: [Kind: [String]] = [.logistic: ["c", "max_iter"], .ridge: ["alpha"], .pca: ["components"]]
        if let bad = ["c", "max_iter", "alpha", "components"].first(where: { c.contains(SuiteKey($0)) && !reads[kind]!.contains($0) }) {
            throw suiteProblem(path + [SuiteKey(bad)], "a \(kind.rawValue) probe does not read '\(bad)'; it reads \(reads[kind]!.joined(separator: ", "))")
        }
        func positive<T: Comparable & Decodable & Numeric>(_ key: String, _ fallback: T, orZero: Bool = false) throws -> T {
            let v = try c.value(key, T.self) ?? fallback
            guard v > 0 || (orZero && v == 0) else {
                throw suiteProblem(path + [SuiteKey(key)], "must be \(orZero ? "≥ 0" : "positive") (got \(v))")
            }
            return v
        }
        switch kind {
        case .logistic: self = .logistic(c: try positive("c", 1.0), maxIter: try positive("max_iter", 100))
        case .ridge: self = .ridge(alpha: try positive("alpha", 1.0, orZero: true))
        case .pca: self = .pca(components: try positive("components", 10))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: SuiteKey.self)
        try c.encode(kind, forKey: SuiteKey("kind"))
        switch self {
        case let .logistic(cValue, maxIter):
            try c.encode(cValue, forKey: SuiteKey("c")); try c.encode(maxIter, forKey: SuiteKey("max_iter"))
        case .ridge(let alpha): try c.encode(alpha, forKey: SuiteKey("alpha"))
        case .pca(let k): try c.encode(k, forKey: SuiteKey("components"))
        }
    }
}
