import Foundation

extension SuiteReport {
    /// The compact terminal summary: one block per probe × target with a line per group and a
    /// column per layer (the best group of each layer marked `*`), a block per tag averaging its
    /// targets, and the sinks each mask found per layer. Every number is in `results.csv`.
    public func table() -> String {
        var lines = ["\(suite.name) on \(model): layers \(SuiteError.range(layers).replacingOccurrences(of: "layers ", with: "")), "
                     + "\(suite.folds)-fold CV, seed \(suite.seed), \(rows.count) rows in " + String(format: "%.1f s", seconds)]
        let groups = suite.groups.map(\.name)
        var blocks: [(title: String, cells: [String: [Int: Double]])] = []
        var seen: [String] = []
        for row in rows {
            let key = "\(row.probe)\u{1}\(row.target)"
            if !seen.contains(key) { seen.append(key) }
        }
        for key in seen {
            let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            let (probe, target) = (parts[0], parts[1])
            let subset = rows.filter { $0.probe == probe && $0.target == target }
            var cells: [String: [Int: Double]] = [:]
            for r in subset { cells[r.group, default: [:]][r.layer] = r.result.score }
            let metric = subset.first?.result.metric ?? "score"
            let tag = subset.first?.tag.map { " [\($0)]" } ?? ""
            let title = target == "-" ? "\(probe): \(metric) of the top components" : "\(probe) · \(target)\(tag): \(metric)"
            blocks.append((title, cells))
        }
        for (tag, probe) in tagProbes() {
            let subset = rows.filter { $0.tag == tag && $0.probe == probe && $0.result.score.isFinite }
            var sums: [String: [Int: (Double, Int)]] = [:]
            for r in subset { sums[r.group, default: [:]][r.layer, default: (0, 0)].0 += r.result.score; sums[r.group]![r.layer]!.1 += 1 }
            let targets = Set(rows.filter { $0.tag == tag && $0.probe == probe }.map(\.target)).count
            // A mean over fewer targets than the tag has would compare groups on different tasks.
            let cells = sums.mapValues { $0.filter { $0.value.1 == targets }.mapValues { $0.0 / Double($0.1) } }
            blocks.append(("\(probe) · mean over the \(targets) [\(tag)] targets", cells))
        }
        for block in blocks {
            lines.append("")
            lines.append(block.title + " (* best group of the layer)")
            lines.append(pad("group", 20, left: true) + layers.map { pad("L\($0)", 7) }.joined())
            var best: [Int: Double] = [:]
            for l in layers { best[l] = block.cells.values.compactMap { $0[l] }.filter(\.isFinite).max() }
            for g in groups where block.cells[g] != nil {
                let cells = layers.map { l -> String in
                    guard let v = block.cells[g]?[l], v.isFinite else { return pad("-", 7) }
                    return pad(String(format: "%.3f", v) + (v == best[l] ? "*" : " "), 7)
                }
                lines.append(pad(g, 20, left: true) + cells.joined())
            }
        }
        let masks = Array(Set(detection.map(\.mask))).sorted()
        if !masks.isEmpty {
            lines.append("")
            lines.append("sinks per image (mask source)")
            for m in masks {
                let entries = detection.filter { $0.mask == m }
                let source = Set(entries.map(\.source)).sorted().joined(separator: "/")
                let cells = layers.map { l in pad(entries.first { $0.layer == l }.map { String(format: "%.2f", $0.meanPerImage) } ?? "-", 7) }
                lines.append(pad(m, 20, left: true) + cells.joined() + "  (\(source))")
            }
        }
        if !skipped.isEmpty { lines.append("\n\(skipped.count) combinations not run (see skipped in results.json)") }
        return lines.joined(separator: "\n")
    }

    /// (tag, probe) pairs with at least two tagged targets, in row order.
    func tagProbes() -> [(String, String)] {
        var out: [(String, String)] = []
        for r in rows {
            guard let tag = r.tag, !out.contains(where: { $0 == (tag, r.probe) }) else { continue }
            if Set(rows.filter { $0.tag == tag && $0.probe == r.probe }.map(\.target)).count >= 2 { out.append((tag, r.probe)) }
        }
        return out
    }
}

/// Right-aligned (or left-aligned) to `width`, truncated with … when longer.
private func pad(_ s: String, _ width: Int, left: Bool = false) -> String {
    if s.count > width { return String(s.prefix(width - 1)) + "…" }
    let fill = String(repeating: " ", count: width - s.count)
    return left ? s + fill : fill + s
}
