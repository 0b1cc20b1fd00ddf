import Foundation

/// Compact tick labels: one number of decimals per axis (from the tick step), a true minus sign,
/// scientific form only for very large or very small magnitudes.
public enum TickFormatter {
    /// Unicode minus, as typeset figures use (and matplotlib draws).
    static let minus = "\u{2212}"

    /// Labels for ticks spaced by `step`: "0.0, 2.5, 5.0"; "0, 50000, 100000" stays plain below
    /// 1e5; above that, or below 1e-3, each label becomes "1.5e5" / "2e−4" (no trailing zeros).
    public static func linear(_ values: [Double], step: Double) -> [String] {
        guard step > 0, step.isFinite else { return values.map { plain($0, decimals: 2) } }
        let e = Int(floor(log10(step) + 1e-9))
        let mantissa = step / pow(10, Double(e))
        let extra = abs(mantissa - 2.5) < 1e-6 ? 1 : 0
        let largest = values.map(abs).max() ?? 0
        if largest >= 1e5 || (largest > 0 && largest < 1e-3) {
            return values.map { v in
                guard v != 0 else { return "0" }
                let ev = Int(floor(log10(abs(v)) + 1e-9))
                let m = v / pow(10, Double(ev))
                var mantissa = plain(m, decimals: max(0, ev - e + extra))
                if mantissa.contains(".") {  // "1.0e5" -> "1e5", "1.50e5" -> "1.5e5"
                    while mantissa.hasSuffix("0") { mantissa.removeLast() }
                    if mantissa.hasSuffix(".") { mantissa.removeLast() }
                }
                return mantissa + "e" + signed(ev)
            }
        }
        return values.map { plain($0, decimals: max(0, -e + extra)) }
    }

    /// Labels for log-axis ticks: plain numbers when every tick lies in 0.01...1000, otherwise
    /// powers of ten with superscripts ("10⁴", "2×10⁻³").
    public static func log(_ values: [Double]) -> [String] {
        if values.allSatisfy({ $0 >= 0.01 - 1e-12 && $0 <= 1000 + 1e-9 }) {
            return values.map { v in
                let e = Int(floor(log10(v) + 1e-9))
                return plain(v, decimals: max(0, -e))
            }
        }
        return values.map { v in
            let e = Int(floor(log10(v) + 1e-9))
            let m = (v / pow(10, Double(e))).rounded()
            let power = "10" + superscript(e)
            return abs(m - 1) < 1e-9 ? power : plain(m, decimals: 0) + "×" + power
        }
    }

    /// A fixed-point number with a Unicode minus, never "−0".
    static func plain(_ v: Double, decimals: Int) -> String {
        var s = String(format: "%.\(min(12, decimals))f", abs(v))
        if s.allSatisfy({ $0 == "0" || $0 == "." }) { return s }
        if v < 0 { s = minus + s }
        return s
    }

    static func signed(_ e: Int) -> String { e < 0 ? minus + String(-e) : String(e) }

    static func superscript(_ e: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(String(abs(e)).map { digits[$0.wholeNumberValue ?? 0] })
        return e < 0 ? "⁻" + body : body
    }
}
