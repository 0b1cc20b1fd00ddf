import Foundation

/// One probe to run over a store: which layers, which tokens (group and reduction), what to
/// predict, with which probe and protocol. The `sinkscope probe` flags build one; a probe-suite
/// file decodes a list of them (JSON/YAML keys are snake_case, every key but `group`, `target`
/// and `probe` optional).
///
///     layers: all                 # or [0, 4, 8] or "0,4,8"
///     group: sinks:norm           # cls | patches | sinks:METHOD | nonsinks:METHOD | random:K | matched:METHOD
///     reduce: mean                # mean | maxnorm; absent = one sample per token
///     target: label:species       # label:COLUMN | position | control[:COLUMN]; not for pca
///     probe: logistic             # logistic | ridge | pca
///     folds: 5
///     components: 10              # PCA
///     regularisation: 1.0         # C for logistic, alpha for ridge
///     seed: 0
public struct ProbeSpec: Sendable, Equatable, Codable {
    public var layers: LayerSelection
    public var group: TokenGroup
    /// nil: every selected token is a sample (grouped CV keeps an image's tokens together).
    public var reduce: Reduction?
    /// Required by logistic and ridge; PCA ignores it.
    public var target: ProbeTarget?
    public var probe: ProbeKind
    public var folds: Int
    /// PCA components.
    public var components: Int
    public var seed: UInt64
    /// C of the logistic probe (default 1) or α of the ridge probe (default 1).
    public var regularisation: Double?
    /// Standardise features on each training fold (not used by PCA).
    public var standardize: Bool
    /// Bootstrap resamples for the confidence interval (0 = none).
    public var bootstrapResamples: Int
    /// Permutation-test refits (0 = no p-value; each costs a full cross-validation).
    public var permutations: Int
    /// Also score the Hewitt–Liang control task and report selectivity.
    public var control: Bool
    /// Logistic L-BFGS iteration cap.
    public var maxIterations: Int

    public init(layers: LayerSelection = .all, group: TokenGroup, reduce: Reduction? = nil, target: ProbeTarget?,
                probe: ProbeKind, folds: Int = 5, components: Int = 10, seed: UInt64 = 0, regularisation: Double? = nil,
                standardize: Bool = true, bootstrapResamples: Int = 1000, permutations: Int = 0, control: Bool = true,
                maxIterations: Int = 100) {
        self.layers = layers; self.group = group; self.reduce = reduce; self.target = target; self.probe = probe
        self.folds = folds; self.components = components; self.seed = seed; self.regularisation = regularisation
        self.standardize = standardize; self.bootstrapResamples = bootstrapResamples; self.permutations = permutations
        self.control = control; self.maxIterations = maxIterations
    }

    enum CodingKeys: String, CodingKey {
        case layers, group, reduce, target, probe, folds, components, seed, regularisation, standardize
        case permutations, control
        case bootstrapResamples = "bootstrap_resamples"
        case maxIterations = "max_iterations"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ProbeSpec(group: .cls, target: .position, probe: .pca)
        self.init(
            layers: try c.decodeIfPresent(LayerSelection.self, forKey: .layers) ?? defaults.layers,
            group: try c.decode(TokenGroup.self, forKey: .group),
            reduce: try c.decodeIfPresent(Reduction.self, forKey: .reduce),
            target: try c.decodeIfPresent(ProbeTarget.self, forKey: .target),
            probe: try c.decode(ProbeKind.self, forKey: .probe),
            folds: try c.decodeIfPresent(Int.self, forKey: .folds) ?? defaults.folds,
            components: try c.decodeIfPresent(Int.self, forKey: .components) ?? defaults.components,
            seed: try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed,
            regularisation: try c.decodeIfPresent(Double.self, forKey: .regularisation),
            standardize: try c.decodeIfPresent(Bool.self, forKey: .standardize) ?? defaults.standardize,
            bootstrapResamples: try c.decodeIfPresent(Int.self, forKey: .bootstrapResamples) ?? defaults.bootstrapResamples,
            permutations: try c.decodeIfPresent(Int.self, forKey: .permutations) ?? defaults.permutations,
            control: try c.decodeIfPresent(Bool.self, forKey: .control) ?? defaults.control,
            maxIterations: try c.decodeIfPresent(Int.self, forKey: .maxIterations) ?? defaults.maxIterations)
    }

    /// Checks ranges that do not depend on the store.
    public func validate() throws {
        if probe != .pca, target == nil {
            throw ProbeError.invalidParameter(name: "target", value: "none", allowed: "given for a \(probe.rawValue) probe (\(ProbeTarget.grammar))")
        }
        if probe != .pca, folds < 2 {
            throw ProbeError.invalidParameter(name: "folds", value: "\(folds)", allowed: "at least 2")
        }
        if probe == .pca, components < 1 {
            throw ProbeError.invalidParameter(name: "components", value: "\(components)", allowed: "at least 1")
        }
        if let r = regularisation, !(r > 0 && r.isFinite) {
            throw ProbeError.invalidParameter(name: "regularisation", value: "\(r)", allowed: "a positive finite number")
        }
        if bootstrapResamples != 0, bootstrapResamples < 100 {
            throw ProbeError.invalidParameter(name: "bootstrap_resamples", value: "\(bootstrapResamples)",
                                              allowed: "0 (no interval) or at least 100 (1000 recommended)")
        }
        if permutations < 0 { throw ProbeError.invalidParameter(name: "permutations", value: "\(permutations)", allowed: "≥ 0") }
        if target == .patchColor, probe == .logistic {
            throw ProbeError.invalidParameter(name: "probe", value: "logistic", allowed: "ridge for a patch_color target (colours are continuous)")
        }
        if target?.isPositional == true, reduce == .mean {
            throw ProbeError.invalidParameter(name: "reduce", value: "mean", allowed: "absent or maxnorm for a position target (a mean of tokens has no position)")
        }
    }
}

/// Which layers to probe.
public enum LayerSelection: Sendable, Equatable, Codable, LosslessStringConvertible {
    case all
    case list([Int])

    /// "all" or comma-separated layers such as "0,4,8".
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "all" { self = .all; return }
        let parts = trimmed.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        self = .list(parts.map { $0! })
    }

    public var description: String {
        switch self {
        case .all: return "all"
        case .list(let l): return l.map(String.init).joined(separator: ",")
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let list = try? c.decode([Int].self) { self = .list(list); return }
        let text = try c.decode(String.self)
        guard let value = LayerSelection(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "layers must be \"all\", a list, or \"0,4,8\"; got \"\(text)\"")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .all: try c.encode("all")
        case .list(let l): try c.encode(l)
        }
    }
}

/// How the selected tokens of one image become samples.
public enum Reduction: String, Sendable, Equatable, Codable, CaseIterable {
    /// The mean of the image's selected tokens: one sample per image.
    case mean
    /// The image's selected token of largest hidden-state norm: one sample per image.
    case maxnorm
}

/// The estimator.
public enum ProbeKind: String, Sendable, Equatable, Codable, CaseIterable {
    case logistic, ridge, pca
}
