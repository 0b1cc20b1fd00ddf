import Support
import Foundation

/// One row of a suite's results: one layer × group × target × probe, under the suite's names,
/// with the engine's result and the exact `ProbeSpec` that produced it (re-running that spec with
/// `ProbeRun` gives the same numbers).
public struct SuiteRow: Sendable, Equatable, Codable {
    public var layer: Int
    /// The suite's names for the group, target ("-" for PCA) and probe.
    public var group: String
    public var target: String
    public var probe: String
    /// The target's tag (`global`, `local`), if any.
    public var tag: String?
    /// The settings: group (`sinks:topk(k=4)`), reduction, target, probe, folds, seed,
    /// regularisation, bootstrap, permutations, control.
    public var spec: ProbeSpec
    /// Score, interval, control score, selectivity, p-value, n, images, details, notes.
    public var result: ProbeResult
    /// Wall-clock seconds this row took.
    public var seconds: Double
}

/// Everything a suite run produced: `results.json`.
public struct SuiteReport: Sendable, Equatable, Codable {
    /// The suite as read (its settings; the key order of JSON objects carries no meaning).
    public var suite: SuiteFile
    /// The suite file's path.
    public var source: String
    public var store: String
    public var model: String
    public var layers: [Int]
    /// Rows in suite order: layer, then group, then probe, then target.
    public var rows: [SuiteRow]
    /// "group × target × probe: reason" for combinations the suite does not run.
    public var skipped: [String]
    /// Per layer, how each sink mask was obtained and how many sinks it holds.
    public var detection: [SuiteDetection]
    public var seconds: Double

    /// The report as pretty JSON with sorted keys (non-finite numbers as "nan"/"inf" strings).
    public func json() throws -> Data {
        let encoder = JSONCoding.encoder()
        return try encoder.encode(self)
    }

    /// Reads a `results.json` written by `write(to:)` (NaN scores are written as "nan").
    public static func read(from url: URL) throws -> SuiteReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try decoder.decode(SuiteReport.self, from: Data(contentsOf: url))
    }

    static let csvColumns = ["layer", "group", "target", "probe", "tag", "group_spec", "reduce", "target_spec", "probe_kind",
                             "metric", "score", "ci_lower", "ci_upper", "control_score", "selectivity", "p_value", "n",
                             "images", "classes", "notes"]

    /// `results.csv`: one line per row; the fixed columns, then every detail key of any row (sorted).
    public func csv() -> String {
        let detailKeys = Array(Set(rows.flatMap(\.result.details.keys))).sorted()
        var lines = [(Self.csvColumns + detailKeys).joined(separator: ",")]
        func number(_ v: Double?) -> String { v.map { $0.isFinite ? "\($0)" : "" } ?? "" }
        for row in rows {
            let r = row.result
            var fields = ["\(row.layer)", row.group, row.target, row.probe, row.tag ?? "", r.group, r.reduce, r.target,
                          r.probe, r.metric, number(r.score), number(r.ciLower), number(r.ciUpper), number(r.controlScore),
                          number(r.selectivity), number(r.pValue), "\(r.n)", "\(r.images)", r.classes.map(String.init) ?? "",
                          r.notes.joined(separator: "; ")]
            fields += detailKeys.map { number(r.details[$0]) }
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 quoting for fields holding a comma, quote or newline.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Writes `directory/results.json` and `directory/results.csv`, each atomically (temporary
    /// file, then rename), creating the directory.
    public func write(to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try json().write(to: directory.appendingPathComponent("results.json"), options: .atomic)
        try Data(csv().utf8).write(to: directory.appendingPathComponent("results.csv"), options: .atomic)
    }
}
