import Foundation

/// Number and list formatting shared by tables, captions and findings.
enum Format {
    /// Three significant digits, "–" for nil or non-finite.
    static func num(_ x: Double?, _ digits: Int = 3) -> String {
        guard let x, x.isFinite else { return "–" }
        if x == 0 { return "0" }
        if abs(x) >= 1e5 || abs(x) < 1e-3 { return String(format: "%.\(max(digits - 1, 1))e", x) }
        return String(format: "%.\(digits)g", x)
    }

    /// Fixed decimals, "–" for nil.
    static func fixed(_ x: Double?, _ decimals: Int = 2) -> String {
        guard let x, x.isFinite else { return "–" }
        return String(format: "%.\(decimals)f", x)
    }

    /// A ratio such as "8.1×".
    static func times(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return (x >= 100 ? String(format: "%.0f", x) : String(format: "%.1f", x)) + "×"
    }

    /// "83%", with one decimal below 10% so small shares do not read as 0%.
    static func percent(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "–" }
        return abs(x) < 0.1 && x != 0 ? String(format: "%.1f%%", 100 * x) : String(format: "%.0f%%", 100 * x)
    }

    /// "a–b" when a and b differ after formatting, else "a"; a shared unit ("×", "%") is written once.
    static func range(_ values: [Double], _ f: (Double?) -> String) -> String {
        guard let lo = values.min(), let hi = values.max() else { return "–" }
        let a = f(lo), b = f(hi)
        if a == b { return a }
        for unit in ["×", "%"] where a.hasSuffix(unit) && b.hasSuffix(unit) {
            return String(a.dropLast()) + "–" + b
        }
        return a + "–" + b
    }

    /// Layers as runs of neighbours in `all` (the shown layers): [2, 3, 4, 9] of 0...12 → "2–4 and 9".
    static func layers(_ chosen: [Int], in all: [Int]) -> String {
        let set = Set(chosen)
        var runs: [String] = []
        var i = 0
        while i < all.count {
            guard set.contains(all[i]) else { i += 1; continue }
            var j = i
            while j + 1 < all.count, set.contains(all[j + 1]) { j += 1 }
            runs.append(j > i ? "\(all[i])–\(all[j])" : "\(all[i])")
            i = j + 1
        }
        if runs.count <= 1 { return runs.first ?? "none" }
        return runs.dropLast().joined(separator: ", ") + " and " + runs[runs.count - 1]
    }

    /// "layer 7" or "layers 2–4 and 9".
    static func layerPhrase(_ chosen: [Int], in all: [Int]) -> String {
        (chosen.count == 1 ? "layer " : "layers ") + layers(chosen, in: all)
    }

    /// Text of a parameter map: "k=3, tau=auto".
    static func parameters(_ p: [String: String], skipping: Set<String> = []) -> String {
        let keys = p.keys.sorted().filter { !skipping.contains($0) }
        return keys.isEmpty ? "defaults" : keys.map { "\($0)=\(p[$0] ?? "")" }.joined(separator: ", ")
    }
}
