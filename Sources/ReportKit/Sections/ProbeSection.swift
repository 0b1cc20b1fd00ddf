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
            let series = groups.map { g -> LineChart.Series in
                let rs = rows.filter { $0.group == g }.sorted { $0.layer < $1.layer }
                let banded = rs.allSatisfy { $0.lower != nil && $0.upper != nil }
                return .init(name: g, x: rs.map { Double($0.layer) }, y: rs.map { $0.score ?? .nan },
                             lower: banded ? rs.map { $0.lower ?? .nan } : nil, upper: banded ? rs.map { $0.upper ?? .nan } : nil)
            }
            guard series.contains(where: { $0.y.contains { $0.isFinite } }) else { continue }
            let first = rows[0]
            panels.append(try figures.add(
                LineChart(series: series, title: "\(first.target): \(first.probe)", xAxis: Axis("layer", integerTicks: true),
                          yAxis: Axis(first.metric), legend: .outsideRight, style: figures.style(720, 420)),
                name: String(format: "probe-%02d", k), alt: "Line chart of probe \(first.metric) by layer for target \(first.target)",
                caption: "Probe \(first.probe) for target \(first.target): \(first.metric) by layer, one line per token group; "
                    + (rows.contains { $0.lower != nil } ? "shaded bands are the \(Format.percent(rows.first { $0.level != nil }?.level ?? 0.95)) bootstrap confidence intervals over images." : "no confidence intervals in the results."),
                data: "probes.rows[target=\(first.target), probe=\(first.probe)]"))
        }
        let table = HTMLTable(
            header: ["layer", "group", "target", "probe", "metric", "score", "CI low", "CI high", "control", "selectivity", "p", "samples", "images"],
            rows: facts.rows.sorted { ($0.target, $0.probe, $0.layer, $0.group) < ($1.target, $1.probe, $1.layer, $1.group) }.map {
                ["\($0.layer)", $0.group, $0.target, $0.probe, $0.metric, Format.fixed($0.score, 3), Format.fixed($0.lower, 3),
                 Format.fixed($0.upper, 3), Format.fixed($0.control, 3), Format.fixed($0.selectivity, 3), Format.num($0.pValue),
                 "\($0.n)", "\($0.images)"]
            }, numeric: [0, 5, 6, 7, 8, 9, 10, 11, 12],
            caption: "Every probe result: score with its confidence interval, the control-task score and the selectivity (score − control).")
        let intro = HTML.paragraph("From \(facts.source ?? "the results file") (\(facts.kind == "suite" ? "a probe suite" : "sinkscope probe")). "
            + "A probe's score means little without its control score (Hewitt & Liang 2019): selectivity is the difference.")
        return Page.Section(id: "probes", heading: "Probe results", body: intro + .element("div", [("class", "grid")], panels) + table.html)
    }
}
