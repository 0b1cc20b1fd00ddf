/// A probe suite as declared in a YAML file under `Probes/` (see `Probes/README.md` for every
/// field). This is the file's content, checked for form only; `SuiteValidation` checks it against
/// a store (label columns, layers, attention) before anything runs.
///
/// Keys are snake_case; named entries (`groups`, `targets`, `probes`) keep the order of the file,
/// which is the order of the result rows.
///
///     let suite = try SuiteParser.parse(contentsOf: URL(fileURLWithPath: "Probes/position.yaml"))
///     print(suite.groups.map(\.name))
public struct SuiteFile: Sendable, Equatable, Codable {
    public var name: String
    public var description: String?
    /// Seed of every random choice (folds, control tasks, random groups, bootstrap, permutations).
    public var seed: UInt64
    public var layers: LayerSelection
    /// Cross-validation folds (grouped by image for token-level groups).
    public var folds: Int
    /// Bootstrap resamples of each score's 95% confidence interval (0 = no interval).
    public var bootstrap: Int
    /// Permutation-test refits per row (0 = no p-value); each one refits all folds.
    public var permutations: Int
    /// Whether every supervised row also scores its control task (Hewitt & Liang) for selectivity.
    public var controls: Bool
    public var groups: [Named<GroupEntry>]
    public var targets: [Named<TargetEntry>]
    public var probes: [Named<ProbeEntry>]

    public init(
        name: String, description: String? = nil, seed: UInt64 = 0, layers: LayerSelection = .all, folds: Int = 5,
        bootstrap: Int = 1000, permutations: Int = 0, controls: Bool = true,
        groups: [Named<GroupEntry>], targets: [Named<TargetEntry>], probes: [Named<ProbeEntry>]
    ) {
        self.name = name; self.description = description; self.seed = seed; self.layers = layers
        self.folds = folds; self.bootstrap = bootstrap
        self.permutations = permutations; self.controls = controls
        self.groups = groups; self.targets = targets; self.probes = probes
    }

    /// The group called `name`.
    public func group(_ name: String) -> GroupEntry? { groups.first { $0.name == name }?.value }
    /// The target called `name`.
    public func target(_ name: String) -> TargetEntry? { targets.first { $0.name == name }?.value }
}

/// An entry of a named map (`groups`, `targets`, `probes`) with the name it has in the file.
public struct Named<Value: Sendable & Equatable & Codable>: Sendable, Equatable, Codable {
    public var name: String
    public var value: Value
    public init(_ name: String, _ value: Value) { self.name = name; self.value = value }
}

/// Which tokens a group takes from each image.
public enum GroupKind: String, Sendable, Equatable, Codable, CaseIterable {
    case cls, registers, patches, sinks, nonsinks, random
}

/// A sink definition: a detection method and its parameters, as `sinkscope detect` takes them.
public struct DetectionSpec: Sendable, Equatable, Codable {
    public var method: DetectionMethod
    /// A norm or `auto` (norm), a score (sinkdim).
    public var tau: String?
    /// Ratio (relative) or count (topk).
    public var k: Double?
    /// Multiple of the uniform share (attention).
    public var m: Double?
    public var abs: Double?
    public var ratio: Double?
    public var dims: [Int]?

    public init(method: DetectionMethod, tau: String? = nil, k: Double? = nil, m: Double? = nil,
                abs: Double? = nil, ratio: Double? = nil, dims: [Int]? = nil) {
        self.method = method; self.tau = tau; self.k = k; self.m = m; self.abs = abs; self.ratio = ratio; self.dims = dims
    }

    /// The detector these parameters describe (prefix tokens never sinks: groups are patch tokens).
    /// - Throws: `DetectionError.invalidParameter` for a parameter the method does not read.
    public func detector() throws -> any SinkDetector {
        try method.detector(tau: tau, k: k, m: m, abs: abs, ratio: ratio, dimensions: dims, includePrefix: false)
    }
}

/// One token group (`groups.NAME`).
public struct GroupEntry: Sendable, Equatable, Codable {
    public var kind: GroupKind
    /// For `sinks` and `nonsinks`.
    public var detection: DetectionSpec?
    /// For `random`: tokens per image.
    public var k: Int?
    /// For `random`: draw as many tokens per image as this group has, from outside it.
    public var matched: String?
    /// `mean` or `maxnorm` (one sample per image); nil for `reduce: tokens` (one sample per token).
    public var reduce: Reduction?

    public init(kind: GroupKind, detection: DetectionSpec? = nil, k: Int? = nil, matched: String? = nil,
                reduce: Reduction? = .mean) {
        self.kind = kind; self.detection = detection; self.k = k; self.matched = matched; self.reduce = reduce
    }
}

/// What a probe predicts (`targets.NAME`), with an optional tag that the summary table groups by
/// (e.g. `global`, `local`).
public struct TargetEntry: Sendable, Equatable, Codable {
    public var kind: TargetKind
    public var tag: String?

    public init(_ kind: TargetKind, tag: String? = nil) {
        self.kind = kind
        self.tag = tag
    }
}

/// The kinds of target.
public enum TargetKind: Sendable, Equatable {
    /// A label column of the store (classification).
    case label(column: String)
    /// The token's place in the patch grid.
    case position(PositionAxis)
    /// The token's patch mean colour (R, G, B in [0, 1]) in the preprocessed image (ridge, 3 outputs).
    case patchColor
    /// The control task of another target (Hewitt & Liang 2019).
    case control(of: String)
}

extension TargetKind {
    /// The kind as written in a suite file.
    public var name: String {
        switch self {
        case .label: return "label"
        case .position: return "position"
        case .patchColor: return "patch_color"
        case .control: return "control"
        }
    }
}

/// Which part of the grid position a `position` target asks for.
public enum PositionAxis: String, Sendable, Equatable, Codable, CaseIterable {
    /// Grid row, classification over the rows.
    case row
    /// Grid column, classification over the columns.
    case col
    /// Flat patch index row·cols + col, classification over all cells.
    case index
    /// (row, col) as two continuous outputs, ridge regression.
    case rowCol = "row_col"
}

/// One probe (`probes.NAME`).
public enum ProbeEntry: Sendable, Equatable, Codable {
    /// Multinomial logistic regression, scikit-learn's C and max_iter.
    case logistic(c: Double, maxIter: Int)
    /// Ridge regression with penalty alpha.
    case ridge(alpha: Double)
    /// PCA: explained-variance spectrum of the top components.
    case pca(components: Int)

    public var kind: String {
        switch self {
        case .logistic: return "logistic"
        case .ridge: return "ridge"
        case .pca: return "pca"
        }
    }
}
