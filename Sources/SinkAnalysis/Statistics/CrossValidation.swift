import Support

/// One train/test split: indices into the samples, each sorted ascending.
public struct Fold: Sendable, Equatable, Codable {
    public let train: [Int]
    public let test: [Int]
}

/// Seeded k-fold splitters: plain, stratified by class, and grouped by image (no group is ever
/// split between train and test), optionally stratified over groups.
///
/// Token-level probes must use `grouped`: tokens of one image are highly correlated, and a
/// test image whose other tokens were seen in training inflates the score.
///
///     let folds = try CrossValidation(folds: 5, seed: 0).grouped(groups: imageOfToken, labels: y)
public struct CrossValidation: Sendable, Equatable, Codable {
    public var folds: Int
    public var seed: UInt64

    public init(folds: Int = 5, seed: UInt64 = 0) {
        self.folds = folds
        self.seed = seed
    }

    /// Shuffled k-fold over `count` samples; fold sizes differ by at most one.
    public func kFold(count: Int) throws -> [Fold] {
        try validate(samples: count)
        var order = Array(0..<count)
        var rng = SeededGenerator(seed: seed)
        rng.shuffle(&order)
        var assignment = [Int](repeating: 0, count: count)
        for (i, sample) in order.enumerated() { assignment[sample] = i % folds }
        return makeFolds(assignment)
    }

    /// Stratified k-fold: each class is shuffled and dealt round-robin over the folds, continuing
    /// where the previous class stopped, so every fold gets each class in proportion.
    /// - Parameter labels: `[n]` class indices.
    public func stratified(labels: [Int]) throws -> [Fold] {
        try validate(samples: labels.count)
        var rng = SeededGenerator(seed: seed)
        var assignment = [Int](repeating: 0, count: labels.count)
        var next = 0
        for members in membersByKey(labels) {
            var shuffled = members
            rng.shuffle(&shuffled)
            for sample in shuffled { assignment[sample] = next % folds; next += 1 }
        }
        return makeFolds(assignment)
    }

    /// Grouped k-fold: whole groups go to one fold.
    ///
    /// Without labels, groups are shuffled, then placed largest first into the fold with the
    /// fewest samples so far (balanced sizes). With labels, each group is stratified by its
    /// majority label (dealt round-robin per class like `stratified`).
    /// - Parameters:
    ///   - groups: `[n]` group id of each sample (e.g. the image index of a token).
    ///   - labels: `[n]` optional class indices to stratify over groups.
    public func grouped(groups: [Int], labels: [Int]? = nil) throws -> [Fold] {
        try validate(samples: groups.count)
        if let labels { try requireCount("labels", labels.count, groups.count) }
        let groupIDs = Array(Set(groups)).sorted()
        guard groupIDs.count >= folds else { throw ProbeError.tooFewGroups(groups: groupIDs.count, folds: folds) }
        let slot = Dictionary(uniqueKeysWithValues: groupIDs.enumerated().map { ($1, $0) })
        var members = [[Int]](repeating: [], count: groupIDs.count)
        for (i, g) in groups.enumerated() { members[slot[g]!].append(i) }

        var rng = SeededGenerator(seed: seed)
        var foldOfGroup = [Int](repeating: 0, count: groupIDs.count)
        if let labels {
            let groupLabel = members.map { majority($0.map { labels[$0] }) }
            var next = 0
            for classGroups in membersByKey(groupLabel) {
                var shuffled = classGroups
                rng.shuffle(&shuffled)
                for g in shuffled { foldOfGroup[g] = next % folds; next += 1 }
            }
        } else {
            var order = Array(0..<groupIDs.count)
            rng.shuffle(&order)
            order = order.enumerated().sorted { a, b in   // stable: size descending, then shuffled order
                members[a.element].count != members[b.element].count
                    ? members[a.element].count > members[b.element].count : a.offset < b.offset
            }.map(\.element)
            var load = [Int](repeating: 0, count: folds)
            for g in order {
                let f = load.indices.min { load[$0] < load[$1] }!
                foldOfGroup[g] = f
                load[f] += members[g].count
            }
        }
        var assignment = [Int](repeating: 0, count: groups.count)
        for (g, list) in members.enumerated() { for i in list { assignment[i] = foldOfGroup[g] } }
        return makeFolds(assignment)
    }

    // MARK: - Helpers

    private func validate(samples: Int) throws {
        guard folds >= 2 else {
            throw ProbeError.invalidParameter(name: "folds", value: "\(folds)", allowed: "at least 2")
        }
        guard samples >= folds else { throw ProbeError.tooFewSamples(samples: samples, folds: folds) }
    }

    private func makeFolds(_ assignment: [Int]) -> [Fold] {
        (0..<folds).map { f in
            Fold(train: assignment.indices.filter { assignment[$0] != f },
                 test: assignment.indices.filter { assignment[$0] == f })
        }
    }
}

/// Indices grouped by key value, keys in ascending order.
func membersByKey(_ keys: [Int]) -> [[Int]] {
    var map: [Int: [Int]] = [:]
    for (i, k) in keys.enumerated() { map[k, default: []].append(i) }
    return map.keys.sorted().map { map[$0]! }
}

/// The most frequent value (smallest on ties).
func majority(_ values: [Int]) -> Int {
    var counts: [Int: Int] = [:]
    for v in values { counts[v, default: 0] += 1 }
    return counts.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }!.key
}
