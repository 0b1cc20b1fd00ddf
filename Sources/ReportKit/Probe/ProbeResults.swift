import Foundation

/// One probe result as the report draws it: a score at one layer for one token group, target
/// and probe, with its confidence interval and control score.
public struct ProbeRow: Sendable, Codable, Equatable {
    public var layer: Int
    public var group: String
    public var target: String
    public var probe: String
    /// What the score measures (accuracy, R², explained variance...).
    public var metric: String
    public var score: Double?
    public var lower: Double?
    public var upper: Double?
    /// Score of the same probe on the control task (Hewitt & Liang), and score − control.
    public var control: Double?
    public var selectivity: Double?

    public init(layer: Int, group: String, target: String, probe: String, metric: String, score: Double?,
                lower: Double? = nil, upper: Double? = nil, control: Double? = nil, selectivity: Double? = nil) {
        self.layer = layer; self.group = group; self.target = target; self.probe = probe; self.metric = metric
        self.score = score; self.lower = lower; self.upper = upper; self.control = control; self.selectivity = selectivity
    }
}

public struct ProbeFacts: Sendable, Codable, Equatable {
    public var available: Bool
    public var note: String?
    /// The results file read.
    public var source: String?
    public var rows: [ProbeRow]
}

/// Reads a probe `results.json` into rows.
///
/// The probe command's result types are being written alongside this report; until they land
/// the reader accepts the shapes such a file plausibly has — a list of records, or an object with
/// one under `results`/`rows` — with snake_case or camelCase keys, a score given as a number or
/// as an object with a value and CI bounds. When the Codable types land, `rows(from:)` becomes a
/// mapping from them and nothing else in the report changes.
enum ProbeResultsReader {
    /// - Parameter url: a directory holding `results.json`, or the file.
    /// - Throws: `ReportError.badResults` naming the file and the problem.
    static func read(_ url: URL) throws -> ProbeFacts {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory)
        let file = isDirectory.boolValue ? url.appendingPathComponent("results.json") : url
        guard exists, FileManager.default.fileExists(atPath: file.path) else {
            throw ReportError.badResults(path: file.path, problem: "the file does not exist (give the probe output directory or its results.json)")
        }
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw ReportError.badResults(path: file.path, problem: error.localizedDescription)
        }
        let json: Any
        do { json = try JSONSerialization.jsonObject(with: data) } catch {
            throw ReportError.badResults(path: file.path, problem: "it is not valid JSON")
        }
        let rows = try records(in: json, path: file.path).enumerated().map { try row($1, index: $0, path: file.path) }
        guard !rows.isEmpty else { throw ReportError.badResults(path: file.path, problem: "it holds no results") }
        return ProbeFacts(available: true, note: nil, source: file.path, rows: rows)
    }

    static func records(in json: Any, path: String) throws -> [[String: Any]] {
        if let list = json as? [[String: Any]] { return list }
        if let object = json as? [String: Any] {
            for key in ["results", "rows", "records", "entries"] {
                if let list = object[key] as? [[String: Any]] { return list }
            }
        }
        throw ReportError.badResults(path: path, problem: "expected a list of results or an object with a 'results' list")
    }

    static func row(_ r: [String: Any], index: Int, path: String) throws -> ProbeRow {
        func value(_ keys: String...) -> Any? { keys.lazy.compactMap { r[$0] }.first }
        func text(_ v: Any?) -> String? {
            if let s = v as? String { return s }
            if let o = v as? [String: Any] { return (o["name"] ?? o["kind"] ?? o["column"]).flatMap { text($0) } }
            if let n = v as? NSNumber { return n.stringValue }
            return nil
        }
        func number(_ v: Any?) -> Double? { (v as? NSNumber).map(\.doubleValue).flatMap { $0.isFinite ? $0 : nil } }
        guard let layer = (value("layer") as? NSNumber)?.intValue else {
            throw ReportError.badResults(path: path, problem: "result \(index) has no integer 'layer'")
        }
        var score = number(value("score", "mean", "value"))
        var lower = number(value("ci_lower", "ciLower", "lower", "ci_low"))
        var upper = number(value("ci_upper", "ciUpper", "upper", "ci_high"))
        if let s = value("score") as? [String: Any] {
            score = number(s["value"] ?? s["mean"] ?? s["score"])
            lower = lower ?? number(s["lower"] ?? s["ci_lower"] ?? s["ciLower"])
            upper = upper ?? number(s["upper"] ?? s["ci_upper"] ?? s["ciUpper"])
        }
        if let ci = value("ci", "confidence_interval", "confidenceInterval") as? [Any], ci.count == 2 {
            lower = lower ?? number(ci[0]); upper = upper ?? number(ci[1])
        }
        var control = number(value("control", "control_score", "controlScore"))
        if let c = value("control") as? [String: Any] { control = number(c["value"] ?? c["score"] ?? c["mean"]) }
        var selectivity = number(value("selectivity"))
        if selectivity == nil, let s = score, let c = control { selectivity = s - c }
        return ProbeRow(layer: layer, group: text(value("group")) ?? "?", target: text(value("target")) ?? "?",
                        probe: text(value("probe")) ?? "?", metric: text(value("metric", "score_name", "scoreName")) ?? "score",
                        score: score, lower: lower, upper: upper, control: control, selectivity: selectivity)
    }
}
