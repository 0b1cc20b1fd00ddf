import Images
import Foundation
import Plotting

/// Section 6: probe scores by layer per token group, with confidence bands, and the selectivity table.
extension ReportContext {
    /// One chart per target, probe and metric.
    static func probeKey(_ r: ProbeRow) -> String { "\(r.target) · \(r.probe) · \(r.metric)" }

    func probeSection(_ facts: ProbeFacts) throws -> Page.Section {
        guard facts.available else {
            return Page.Section(id: "probes", heading: "Probe results",
                                body: .element("p", [("class", "absent")], .text(facts.note ?? "No probe results were given.")))
        }
        // One chart per (target, probe, metric); one series per group.
        var keys: [String] = []
        var byKey: [String: [ProbeRow]] = [:]
        for r in facts.rows {
            let key = Self.probeKey(r)
            if byKey[key] == nil { keys.append(key) }
            byKey[key, default: []].append(r)
        }
        var panels: [HTML] = []
        for (k, key) in keys.enumerated() {
            let rows = byKey[key] ?? []
            var groups: [String] = []
            for r in rows where !groups.contains(r.group) { groups.append(r.group) }
            var series = groups.map { g -> LineChart.Series in
                let rs = rows.filter { $0.group == g }.sorted { $0.layer < $1.layer }
                let banded = rs.allSatisfy { $0.lower != nil && $0.upper != nil }
                return .init(name: g, x: rs.map { Double($0.layer) }, y: rs.map { $0.score ?? .nan },
                             lower: banded ? rs.map { $0.lower ?? .nan } : nil, upper: banded ? rs.map { $0.upper ?? .nan } : nil)
            }
            guard series.contains(where: { $0.y.contains { $0.isFinite } }) else { continue }
            let first = rows[0]
            // Chance accuracy of a balanced k-class target, as a reference line.
            if first.metric == "accuracy", let k = rows.compactMap(\.classes).max(), k >= 2 {
                let xs = Array(Set(rows.map { Double($0.layer) })).sorted()
                series.append(.init(name: "chance (1/\(k))", x: xs, y: xs.map { _ in 1 / Double(k) }, color: RGB(hex: 0x8C8C8C), dashed: true))
            }
            panels.append(try figures.add(
                LineChart(series: series, title: "\(first.target): \(first.probe)", xAxis: Axis("layer", integerTicks: true),
                          yAxis: Axis(first.metric), legend: .outsideRight, style: figures.style(640, 400)),
                name: String(format: "probe-%02d", k), alt: "Line chart of probe \(first.metric) by layer for target \(first.target)",
                caption: "Probe \(first.probe) for target \(first.target): \(first.metric) by layer, one line per token group; "
                    + (rows.contains { $0.lower != nil } ? "shaded bands are the \(Format.percent(rows.first { $0.level != nil }?.level ?? 0.95)) bootstrap confidence intervals over images." : "no confidence intervals in the results."),
                data: "probes.rows[target=\(first.target), probe=\(first.probe)]"))
        }
        let sorted = facts.rows.sorted { ($0.target, $0.probe, $0.layer, $0.group) < ($1.target, $1.probe, $1.layer, $1.group) }
        let hasP = facts.rows.contains { $0.pValue != nil }
        var header = ["layer", "group", "target", "probe", "metric", "score", "CI low", "CI high", "control", "selectivity"]
        if hasP { header.append("p") }
        header += ["samples", "images"]
        let table = HTMLTable(
            header: header,
            rows: sorted.map { r in
                ["\(r.layer)", r.group, r.target, r.probe, r.metric, Format.fixed(r.score, 3), Format.fixed(r.lower, 3),
                 Format.fixed(r.upper, 3), Format.fixed(r.control, 3), Format.fixed(r.selectivity, 3)]
                    + (hasP ? [Format.num(r.pValue)] : []) + ["\(r.n)", "\(r.images)"]
            }, numeric: Set([0] + Array(5..<header.count)),
            caption: "Every probe result: score with its confidence interval, the control-task score and the selectivity (score − control)"
                + (hasP ? ", and the permutation-test p-value." : "."))
        let intro = HTML.paragraph("From \(facts.source ?? "the results file") (\(facts.kind == "suite" ? "a probe suite" : "sinkscope probe")). "
            + "A probe's score means little without its control score (Hewitt & Liang 2019): selectivity is the difference.")
        return Page.Section(id: "probes", heading: "Probe results", body: intro + .element("div", [("class", "grid")], panels) + table.html)
    }
}
