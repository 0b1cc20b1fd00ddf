import Foundation

extension SuiteReport {
    /// One cell of the terminal table.
    enum Cell {
        case score(Double)
        /// Scored from too few images to compare; the image count.
        case few(Int)
        /// Not scored (an empty group).
        case none
    }

    /// The compact terminal summary: one block per probe × target with a line per group and a
    /// column per layer (the best group of each layer marked `*`), a block per tag averaging its
    /// targets, and the sinks each mask found per layer. Every number is in `results.csv`.
    ///
    /// A score from fewer than `minimumImages` images (a sink group present in a handful of
    /// images at that layer) is shown as `n=K` instead: its cross-validated score is noise and
    /// must not win a layer.
    public func table(minimumImages: Int = 30) -> String {
        func cell(_ r: SuiteRow) -> Cell {
            guard r.result.score.isFinite else { return .none }
            return r.result.images >= minimumImages ? .score(r.result.score) : .few(r.result.images)
        }
        var lines = ["\(suite.name) on \(model): layers \(SuiteError.range(layers).replacingOccurrences(of: "layers ", with: "")), "
                     + "\(suite.folds)-fold CV, seed \(suite.seed), \(rows.count) rows in " + String(format: "%.1f s", seconds)]
        var blocks: [(title: String, cells: [String: [Int: Cell]])] = []
        var pairs: [(probe: String, target: String)] = []
        for r in rows where !pairs.contains(where: { $0 == (r.probe, r.target) }) { pairs.append((r.probe, r.target)) }
        for (probe, target) in pairs {
            let subset = rows.filter { $0.probe == probe && $0.target == target }
            var cells: [String: [Int: Cell]] = [:]
            for r in subset { cells[r.group, default: [:]][r.layer] = cell(r) }
            let metric = subset.first?.result.metric ?? "score"
            let tag = subset.first?.tag.map { " [\($0)]" } ?? ""
            blocks.append((target == "-" ? "\(probe): \(metric) of the top components" : "\(probe) · \(target)\(tag): \(metric)", cells))
        }
        for (tag, probe) in tagProbes() {
            let tagged = rows.filter { $0.tag == tag && $0.probe == probe }
            let targets = Set(tagged.map(\.target)).count
            var cells: [String: [Int: Cell]] = [:]
            for group in Dictionary(grouping: tagged, by: { "\($0.group)\u{1}\($0.layer)" }).values {
                let scores = group.map(cell).compactMap { c -> Double? in if case .score(let v) = c { return v } else { return nil } }
                let (g, layer) = (group[0].group, group[0].layer)
                // A mean over fewer targets than the tag has would compare groups on different tasks.
                cells[g, default: [:]][layer] = scores.count == targets ? .score(scores.reduce(0, +) / Double(targets))
                    : group.map(cell).compactMap { c -> Int? in if case .few(let n) = c { return n } else { return nil } }.min().map(Cell.few) ?? Cell.none
            }
            blocks.append(("\(probe) · mean over the \(targets) [\(tag)] targets", cells))
        }
        for block in blocks {
            lines += [""] + render(block.title, block.cells)
        }
        let masks = Array(Set(detection.map(\.mask))).sorted()
        if !masks.isEmpty {
            lines += ["", "sinks per image (mask source)"]
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

    /// A block: title, header, one line per group in suite order.
    func render(_ title: String, _ cells: [String: [Int: Cell]]) -> [String] {
        var lines = [title + " (* best group of the layer)", pad("group", 20, left: true) + layers.map { pad("L\($0)", 7) }.joined()]
        var best: [Int: Double] = [:]
        for l in layers {
            best[l] = cells.values.compactMap { c -> Double? in if case .score(let v)? = c[l] { return v } else { return nil } }.max()
        }
        for g in suite.groups.map(\.name) where cells[g] != nil {
            let text = layers.map { l -> String in
                switch cells[g]?[l] {
                case .score(let v)?: return pad(String(format: "%.3f", v) + (v == best[l] ? "*" : " "), 7)
                case .few(let n)?: return pad("n=\(n) ", 7)
                default: return pad("- ", 7)
                }
            }
            lines.append(pad(g, 20, left: true) + text.joined())
        }
        return lines
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
