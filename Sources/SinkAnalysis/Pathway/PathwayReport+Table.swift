import Foundation

extension PathwayReport {
    /// The summary `sinkscope pathway` prints: sinks found, then one line per LLM layer.
    public func table() -> String {
        let params = vitParameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let merged = (vitPatches ?? visualTokens) != visualTokens || (tokenMerge ?? "identity") != "identity"
        var lines = [
            "\(store): LVLM \(lvlm), ViT layer \(vitLayer), n=\(images) images, "
                + (merged
                    ? "K=\(visualTokens) LLM visual tokens from P=\(vitPatches ?? 0) ViT patches (\(grid[0])x\(grid[1]), \(tokenMerge ?? "mapped")); sink-fed tokens: \(sinkFedTokens?.total ?? 0)"
                    : "P=\(visualTokens) visual tokens (\(grid[0])x\(grid[1]))"),
            "ViT sinks (\(vitMethod) \(params)): \(vitSinks.total) (\(Self.formatNumber(vitSinks.meanPerImage)) per image, \(vitSinks.imagesWithSinks) images with sinks)",
            "LLM-emerged sinks (massive \(llmCriterion.sorted { $0.key < $1.key }.filter { $0.key != "include_prefix" }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")), not ViT sinks): \(emergedSinks.total)",
        ]
        if !attention.isEmpty {
            lines.append("")
            lines.append(Self.pad(["LLM layer", "ordinary %", "ViT sink %", "emerged %", "ViT sink ×", "emerged ×", "Spearman"]))
            for a in attention {
                lines.append(Self.pad([
                    "\(a.layer)", Self.formatPercent(a.ordinary.meanShare), Self.formatPercent(a.vitSinks.meanShare), Self.formatPercent(a.emergedSinks.meanShare),
                    Self.formatNumber(a.vitSinkRatio), Self.formatNumber(a.emergedSinkRatio), Self.formatNumber(a.spearman),
                ]))
            }
            lines.append("%: mean share of the layer's attention per token; ×: ÷ the ordinary visual token; Spearman: ViT norm vs share.")
        }
        if let b = normBuckets {
            let cells = zip(b.buckets, b.meanShareOverLayers).map { bucket, share in
                "[\(Self.formatNumber(bucket.lowerNorm))–\(Self.formatNumber(bucket.upperNorm))] \(Self.formatPercent(share))"
            }
            lines.append("By ViT-norm quantile (mean share over layers): " + cells.joined(separator: ", "))
        }
        if !dimensions.isEmpty {
            let s = dimensionSplit
            func list(_ x: [Int]) -> String { x.isEmpty ? "none" : x.map(String.init).joined(separator: ",") }
            lines.append("LLM sink dimensions: propagated ViT sinks \(list(s.propagated)); LLM-emerged sinks \(list(s.emerged)); shared \(list(s.shared))")
            let rates = dimensions.compactMap { d in d.propagationRate.map { "\(d.layer): \(Self.formatNumber($0))" } }
            if !rates.isEmpty { lines.append("ViT sinks with a massive LLM activation, by LLM layer: " + rates.joined(separator: ", ")) }
        }
        lines += notes
        return lines.joined(separator: "\n")
    }

    /// A ratio or correlation as printed in tables: 2 decimals, or 3 significant digits when tiny or huge; "-" for nil.
    public static func formatNumber(_ x: Double?) -> String {
        guard let x else { return "-" }
        return abs(x) >= 1000 || (abs(x) < 0.01 && x != 0) ? String(format: "%.3g", x) : String(format: "%.2f", x)
    }

    /// A share as a percentage with 3 decimals; "-" for nil.
    public static func formatPercent(_ x: Double?) -> String { x.map { String(format: "%.3f", 100 * $0) } ?? "-" }

    static func pad(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in i == 0 ? c.padding(toLength: 10, withPad: " ", startingAt: 0) : String(repeating: " ", count: max(0, 11 - c.count)) + c }
            .joined(separator: " ")
    }
}
