import Support

/// A confidence interval for a score.
public struct ConfidenceInterval: Sendable, Equatable, Codable {
    public var lower: Double
    public var upper: Double
    /// Coverage, e.g. 0.95.
    public var level: Double
}

/// Percentile bootstrap (Efron & Tibshirani 1993, ch. 13): resample the test samples with
/// replacement, recompute the score, take the (1−level)/2 and 1−(1−level)/2 quantiles.
///
/// With `groups`, whole groups (images) are resampled — a cluster bootstrap — because tokens of
/// one image are not independent and resampling them one by one makes the interval too narrow.
public struct Bootstrap: Sendable, Equatable, Codable {
    public var resamples: Int
    public var level: Double
    public var seed: UInt64

    public init(resamples: Int = 1000, level: Double = 0.95, seed: UInt64 = 0) {
        self.resamples = resamples
        self.level = level
        self.seed = seed
    }

    /// - Parameters:
    ///   - samples: n, the number of scored samples.
    ///   - groups: optional `[n]` group id per sample; groups are resampled whole.
    ///   - statistic: the score of a resample, given its sample indices (with repeats).
    /// - Throws: `ProbeError.invalidParameter` for fewer than 1 resample, a level outside (0, 1),
    ///   or no samples.
    public func interval(
        samples: Int, groups: [Int]? = nil, statistic: ([Int]) throws -> Double
    ) throws -> ConfidenceInterval {
        guard resamples >= 1 else {
            throw ProbeError.invalidParameter(name: "resamples", value: "\(resamples)", allowed: "at least 1 (1000 or more for a percentile interval)")
        }
        guard level > 0, level < 1 else {
            throw ProbeError.invalidParameter(name: "level", value: "\(level)", allowed: "strictly between 0 and 1")
        }
        guard samples > 0 else { throw ProbeError.emptyGroup(name: "bootstrap samples") }
        if let groups { try requireCount("bootstrap groups", groups.count, samples) }
        let units: [[Int]] = groups.map { membersByKey($0) } ?? (0..<samples).map { [$0] }
        var rng = SeededGenerator(seed: seed)
        var stats: [Double] = []
        stats.reserveCapacity(resamples)
        for _ in 0..<resamples {
            var indices: [Int] = []
            indices.reserveCapacity(samples)
            for _ in 0..<units.count { indices.append(contentsOf: units[rng.below(units.count)]) }
            stats.append(try statistic(indices))
        }
        stats.sort()
        let alpha = (1 - level) / 2
        return ConfidenceInterval(lower: quantile(stats, alpha), upper: quantile(stats, 1 - alpha), level: level)
    }
}

/// Linear-interpolation quantile of sorted values (numpy's default "linear" method).
public func quantile(_ sorted: [Double], _ q: Double) -> Double {
    guard !sorted.isEmpty else { return .nan }
    let position = q * Double(sorted.count - 1)
    let lo = Int(position.rounded(.down)), hi = min(lo + 1, sorted.count - 1)
    let frac = position - Double(lo)
    return sorted[lo] + (sorted[hi] - sorted[lo]) * frac
}
