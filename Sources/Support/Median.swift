/// The middle value of a collection: the mean of the two middle values for an even count, NaN when empty.
/// Sorting a copy is fine at the sizes it is used for (per-layer token norms, benchmark rounds).
public func median<C: Collection>(_ values: C) -> Double where C.Element == Float {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    let m = s.count / 2
    return s.count % 2 == 1 ? Double(s[m]) : (Double(s[m - 1]) + Double(s[m])) / 2
}

/// The middle value of Doubles, as the Float version.
public func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    let m = s.count / 2
    return s.count % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2
}
