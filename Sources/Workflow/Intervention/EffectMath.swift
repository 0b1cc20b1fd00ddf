import Foundation

// The vector arithmetic behind `InterventionEffects` (cosines, pooled rows, norm quantiles).

/// Cosine of two vectors of length `d` (1 when both are zero, 0 when one is).
func cosine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for c in 0..<d {
        let x = Double(a[c]), y = Double(b[c])
        ab += x * y; aa += x * x; bb += y * y
    }
    if aa == 0 && bb == 0 { return 1 }
    if aa == 0 || bb == 0 { return 0 }
    return ab / (aa.squareRoot() * bb.squareRoot())
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in cosine(pa.baseAddress!, pb.baseAddress!, a.count) } }
}

/// Mean of rows `rows` of a [T, D] array.
func meanRow(_ x: [Float], rows: Range<Int>, width d: Int) -> [Float] {
    var m = [Double](repeating: 0, count: d)
    for r in rows { for c in 0..<d { m[c] += Double(x[r * d + c]) } }
    return m.map { Float($0 / Double(max(rows.count, 1))) }
}

/// The q-quantile (0...1) of values, by nearest rank on the sorted values.
func quantile(_ values: [Float], _ q: Double) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    return Double(s[min(s.count - 1, Int((q * Double(s.count - 1)).rounded()))])
}
