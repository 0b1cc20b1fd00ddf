import Foundation

/// The package's one seeded random generator: SplitMix64 (Steele, Lea & Flood 2014, "Fast
/// splittable pseudorandom number generators"), with the sampling helpers written out so results
/// do not depend on the standard library's unspecified shuffle or bounded-integer algorithms: the
/// same seed gives the same folds, control labels, bootstrap resamples and synthetic scenes on
/// every platform and Swift version.
///
///     var rng = SeededGenerator(seed: 0)
///     var order = Array(0..<10); rng.shuffle(&order)
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    /// An independent stream for sub-task `stream` (e.g. fold i, resample b) of this seed, so
    /// adding a sub-task does not shift the numbers of the others. Used by the analyses.
    public init(seed: UInt64, stream: UInt64) {
        var mixer = SeededGenerator(seed: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        state = mixer.next()
    }

    /// An independent stream for item `index` of a run seeded with `seed`: the seed XOR a
    /// SplitMix64 hash of the index. `synth` derives its per-scene streams this way (kept as it
    /// was in round one, so the same seed still draws the same scenes).
    public init(seed: UInt64, item index: UInt64) {
        var hash = SeededGenerator(seed: index ^ 0x6A09_E667_F3BC_C909)
        state = seed ^ hash.next()
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    // MARK: - Uniform

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in `[lo, hi)`.
    public mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * uniform() }

    /// Uniform integer in `0..<n` (n > 0), unbiased by rejection.
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0, "below(\(n)) needs a positive bound")
        let bound = UInt64(n)
        let limit = UInt64.max - UInt64.max % bound   // largest multiple of bound
        while true {
            let x = next()
            if x < limit { return Int(x % bound) }
        }
    }

    /// Uniform integer in `range` (inclusive).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    // MARK: - Normal

    /// Standard normal by the Box–Muller transform (one uniform for the radius, then one for the angle).
    public mutating func gaussian() -> Double {
        let u1 = max(uniform(), 0x1p-60), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// `count` standard normals in Float, both outputs of each Box–Muller transform used
    /// (about twice as fast as `gaussian()` per value; for large synthetic matrices).
    public mutating func gaussians(_ count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        var i = 0
        while i < count {
            let radius = (-2 * log(max(uniform(), 0x1p-60))).squareRoot(), angle = 2 * Double.pi * uniform()
            out[i] = Float(radius * cos(angle))
            if i + 1 < count { out[i + 1] = Float(radius * sin(angle)) }
            i += 2
        }
        return out
    }

    // MARK: - Permutations

    /// Fisher–Yates shuffle in place.
    public mutating func shuffle<T>(_ a: inout [T]) {
        guard a.count > 1 else { return }
        for i in stride(from: a.count - 1, to: 0, by: -1) {
            a.swapAt(i, below(i + 1))
        }
    }

    /// `k` distinct indices from `0..<n` in random order (partial Fisher–Yates); k ≤ n.
    public mutating func sample(_ k: Int, from n: Int) -> [Int] {
        var pool = Array(0..<n)
        let k = min(k, n)
        for i in 0..<k { pool.swapAt(i, i + below(n - i)) }
        return Array(pool[0..<k])
    }
}
