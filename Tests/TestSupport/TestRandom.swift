import Support

/// The tests' seeded generator is the package's one `SeededGenerator` (SplitMix64), so constructed
/// data are the same on every run, platform and Swift version.
public typealias TestRandom = SeededGenerator

extension SeededGenerator {
    /// Standard normal (Box–Muller), the name the tests use.
    public mutating func normal() -> Double { gaussian() }
}
