import Support

/// Control tasks after Hewitt & Liang 2019 ("Designing and Interpreting Probes with Control
/// Tasks"): every *type* (an image, a token position, …) gets a random but consistent target,
/// drawn so the class distribution over types is exactly that of the real task.
///
/// A probe that scores well on the control task is memorising types rather than reading a
/// property from the representation; selectivity = score − control score says how much of the
/// score is due to the representation.
public enum ControlTask {
    /// Control targets: the per-type targets (each type's majority/first target) are shuffled
    /// among the types, then every sample takes its type's new target.
    ///
    /// - Parameters:
    ///   - targets: `[n]` true targets (class indices or values).
    ///   - types: `[n]` the type of each sample; samples of one type share a control target.
    ///   - seed: the shuffle's seed.
    /// - Returns: `[n]` control targets.
    public static func targets<T>(_ targets: [T], types: [Int], seed: UInt64) throws -> [T] {
        var rng = SeededGenerator(seed: seed)
        return try shuffleByType(targets, types: types, rng: &rng)
    }

    /// Shuffles targets between types (see `targets(_:types:seed:)`), with a caller's generator.
    static func shuffleByType<T>(_ targets: [T], types: [Int], rng: inout SeededGenerator) throws -> [T] {
        try requireCount("control-task types", types.count, targets.count)
        let typeIDs = Array(Set(types)).sorted()
        let slot = Dictionary(uniqueKeysWithValues: typeIDs.enumerated().map { ($1, $0) })
        var typeTarget = [T?](repeating: nil, count: typeIDs.count)
        for (i, t) in types.enumerated() where typeTarget[slot[t]!] == nil { typeTarget[slot[t]!] = targets[i] }
        var shuffled = typeTarget.map { $0! }
        rng.shuffle(&shuffled)
        return types.map { shuffled[slot[$0]!] }
    }
}

/// Matched-size random baselines: when a group (e.g. the sinks) has k tokens in an image, draw k
/// random tokens of that image from the complementary candidates (e.g. non-sink patches), so a
/// comparison between the group and ordinary tokens is not confounded by group size.
public enum RandomBaseline {
    /// - Parameters:
    ///   - counts: `[n]` how many tokens the reference group has in each image.
    ///   - candidates: `[n]` the token indices each image may draw from.
    ///   - seed: seed; image i uses its own stream so images are independent of each other.
    /// - Returns: `[n]` chosen token indices per image, sorted; an image with fewer candidates
    ///   than its count gets all its candidates.
    public static func sample(counts: [Int], candidates: [[Int]], seed: UInt64) throws -> [[Int]] {
        try requireCount("random baseline candidates", candidates.count, counts.count)
        return zip(counts, candidates).enumerated().map { i, pair in
            var rng = SeededGenerator(seed: seed, stream: UInt64(i))
            return rng.sample(max(pair.0, 0), from: pair.1.count).map { pair.1[$0] }.sorted()
        }
    }
}
