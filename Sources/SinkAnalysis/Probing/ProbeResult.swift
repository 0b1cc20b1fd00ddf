import Foundation

/// One row of probe results: one layer × group × target × probe.
public struct ProbeResult: Sendable, Equatable, Codable {
    public var layer: Int
    public var group: String
    /// "mean", "maxnorm" or "token" (one sample per token).
    public var reduce: String
    /// The target, "-" for PCA.
    public var target: String
    public var probe: String
    /// What `score` is: "accuracy" (logistic, cross-validated), "r2" (ridge, cross-validated) or
    /// "explained_variance_ratio" (PCA: the sum over the kept components).
    public var metric: String
    public var score: Double
    /// Percentile bootstrap interval over images (`level` in `ciLevel`).
    public var ciLower: Double?
    public var ciUpper: Double?
    public var ciLevel: Double?
    /// The same probe's score on the Hewitt–Liang control task.
    public var controlScore: Double?
    /// score − controlScore.
    public var selectivity: Double?
    public var pValue: Double?
    /// Samples (tokens or images after reduction) and images they came from.
    public var n: Int
    public var images: Int
    public var classes: Int?
    /// Secondary metrics (balanced_accuracy, macro_f1, log_loss; mse; control_* versions).
    public var details: [String: Double]
    /// PCA: per-component ratios.
    public var explainedVarianceRatio: [Double]?
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case layer, group, reduce, target, probe, metric, score, n, images, classes, details, notes
        case ciLower = "ci_lower", ciUpper = "ci_upper", ciLevel = "ci_level"
        case controlScore = "control_score", selectivity, pValue = "p_value"
        case explainedVarianceRatio = "explained_variance_ratio"
    }
}

/// Everything one `sinkscope probe` run (or one suite entry) produced.
public struct ProbeRunReport: Sendable, Equatable, Codable {
    public var spec: ProbeSpec
    public var store: String
    public var model: String
    public var results: [ProbeResult]
    public var seconds: Double
}

extension ProbeResult {
    static let csvColumns = ["layer", "group", "reduce", "target", "probe", "metric", "score", "ci_lower", "ci_upper",
                             "control_score", "selectivity", "p_value", "n", "images", "classes"]

    /// `results.csv`: the fixed columns, then every detail key seen in any row (sorted).
    public static func csv(_ rows: [ProbeResult]) -> String {
        let detailKeys = Array(Set(rows.flatMap(\.details.keys))).sorted()
        var lines = [(csvColumns + detailKeys).joined(separator: ",")]
        func number(_ v: Double?) -> String { v.map { $0.isFinite ? "\($0)" : "" } ?? "" }
        for r in rows {
            var fields = ["\(r.layer)", csvField(r.group), r.reduce, csvField(r.target), r.probe, r.metric, number(r.score),
                          number(r.ciLower), number(r.ciUpper), number(r.controlScore), number(r.selectivity),
                          number(r.pValue), "\(r.n)", "\(r.images)", r.classes.map(String.init) ?? ""]
            fields += detailKeys.map { number(r.details[$0]) }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting for fields that hold a comma, quote or newline (label column names).
    private static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
