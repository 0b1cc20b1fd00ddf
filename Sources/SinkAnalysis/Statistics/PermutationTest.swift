import Support

/// The outcome of a permutation test.
public struct PermutationResult: Sendable, Equatable, Codable {
    public var observed: Double
    /// (1 + #{permuted ≥ observed}) / (1 + permutations), as scikit-learn's
    /// `permutation_test_score`: never 0, so it is a valid p-value.
    public var pValue: Double
    public var permutedMean: Double
    public var permutations: Int
}

/// Permutation test of a probe score: how often does a probe trained on shuffled targets
/// score at least as well as the real one? (Ojala & Garriga 2010.)
///
/// With `groups`, labels are shuffled between groups (each image keeps one label for all its
/// tokens), which is the null hypothesis that matters for grouped data.
public struct PermutationTest: Sendable, Equatable, Codable {
    public var permutations: Int
    public var seed: UInt64

    public init(permutations: Int = 1000, seed: UInt64 = 0) {
        self.permutations = permutations
        self.seed = seed
    }

    /// - Parameters:
    ///   - observed: the score with the true targets.
    ///   - targets: `[n]` the true targets (class indices or values).
    ///   - groups: optional `[n]` group ids; targets move with their group.
    ///   - score: refits and scores the probe for a permuted target vector (higher is better).
    public func run<T>(
        observed: Double, targets: [T], groups: [Int]? = nil, score: ([T]) throws -> Double
    ) throws -> PermutationResult {
        guard permutations >= 1 else {
            throw ProbeError.invalidParameter(name: "permutations", value: "\(permutations)", allowed: "at least 1")
        }
        var atLeast = 0, sum = 0.0
        for p in 0..<permutations {
            var rng = SeededGenerator(seed: seed, stream: UInt64(p))
            let permuted: [T]
            if let groups {
                permuted = try ControlTask.shuffleByType(targets, types: groups, rng: &rng)
            } else {
                var copy = targets
                rng.shuffle(&copy)
                permuted = copy
            }
            let s = try score(permuted)
            sum += s
            if s >= observed { atLeast += 1 }
        }
        return PermutationResult(
            observed: observed, pValue: Double(1 + atLeast) / Double(1 + permutations),
            permutedMean: sum / Double(permutations), permutations: permutations)
    }
}
