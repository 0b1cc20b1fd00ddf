import Foundation

/// Nice tick positions: multiples of 1, 2, 2.5 or 5 times a power of ten, in the spirit of
/// Heckbert ("Nice numbers for graph labels", Graphics Gems 1990) and matplotlib's MaxNLocator.
public enum TickLocator {
    /// The mantissas a step may have, per decade.
    static let mantissas: [Double] = [1, 2, 2.5, 5]

    /// Ticks `k * step` inside `lower...upper`, at most `maxCount` of them when possible, with
    /// the smallest nice step that fits; values are computed as `k * mantissa / 10^-e` so they
    /// come out as the shortest decimals (0.3, not 0.30000000000000004).
    /// - Parameter integer: steps of at least 1 and whole numbers only.
    public static func linear(lower: Double, upper: Double, maxCount: Int, integer: Bool = false)
        -> (values: [Double], step: Double)
    {
        guard lower.isFinite, upper.isFinite, upper > lower else { return ([lower], 1) }
        let n = max(2, maxCount)
        let raw = (upper - lower) / Double(n - 1)
        let e0 = Int(floor(log10(raw)))
        var ladder: [(m: Double, e: Int)] = []
        for e in (e0 - 1)...(e0 + 1) {
            for m in mantissas + (e == e0 + 1 ? [10] : []) {
                if integer && (e < 0 || (e == 0 && m == 2.5)) { continue }
                ladder.append((m, e))
            }
        }
        if integer && ladder.allSatisfy({ step($0) < 1 }) { ladder.append((1, 0)) }
        // The first step at least `raw` has count <= n; step down if it leaves fewer than two.
        guard var pick = ladder.firstIndex(where: { step($0) >= raw * (1 - 1e-9) }) else {
            return (multiples(ladder.last!, lower, upper), step(ladder.last!))
        }
        while pick > 0 && multiples(ladder[pick], lower, upper).count < 2 { pick -= 1 }
        return (multiples(ladder[pick], lower, upper), step(ladder[pick]))
    }

    static func step(_ s: (m: Double, e: Int)) -> Double {
        s.e >= 0 ? s.m * pow(10, Double(s.e)) : s.m / pow(10, Double(-s.e))
    }

    static func multiples(_ s: (m: Double, e: Int), _ lower: Double, _ upper: Double) -> [Double] {
        let st = step(s)
        let k0 = Int((lower / st - 1e-9).rounded(.up)), k1 = Int((upper / st + 1e-9).rounded(.down))
        guard k1 >= k0 else { return [] }
        return (k0...k1).map { k in
            let v = s.e >= 0 ? Double(k) * s.m * pow(10, Double(s.e)) : Double(k) * s.m / pow(10, Double(-s.e))
            return v == 0 ? 0 : v  // no negative zero
        }
    }

    /// Decades 10^k inside `lower...upper` (every j-th decade when there are more than
    /// `maxCount`, aligned to multiples of j); when the range spans under two decades, 1-2-5
    /// steps instead. Minor ticks: m x 10^k for m in 2...9 when every decade is labelled.
    public static func log(lower: Double, upper: Double, maxCount: Int)
        -> (major: [Double], minor: [Double])
    {
        guard lower > 0, upper > lower, lower.isFinite, upper.isFinite else { return ([], []) }
        let lo = log10(lower), hi = log10(upper)
        let e0 = Int((lo - 1e-9).rounded(.up)), e1 = Int((hi + 1e-9).rounded(.down))
        let inside = { (v: Double) in v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) }
        var major: [Double] = []
        var stride = 1
        if e1 >= e0 {
            stride = max(1, Int((Double(e1 - e0 + 1) / Double(max(1, maxCount))).rounded(.up)))
            major = (e0...e1).filter { $0 % stride == 0 }.map { pow(10, Double($0)) }
        }
        let f0 = Int(lo.rounded(.down)), f1 = Int(hi.rounded(.up))
        if major.count < 2 {
            major = (f0...f1).flatMap { e in [1.0, 2, 5].map { $0 * pow(10, Double(e)) } }.filter(inside)
            if major.count > maxCount {
                major = major.filter { v in
                    let m = v / pow(10, floor(log10(v) + 1e-9))
                    return abs(m - 1) < 1e-6 || abs(m - 5) < 1e-6
                }
            }
        }
        var minor: [Double] = []
        if stride == 1 && f1 - f0 <= 12 {
            for e in f0...f1 {
                for m in 2...9 {
                    let v = Double(m) * pow(10, Double(e))
                    if inside(v) && !major.contains(where: { abs($0 - v) <= 1e-9 * v }) { minor.append(v) }
                }
            }
        }
        return (major, minor)
    }
}
