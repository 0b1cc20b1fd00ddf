import Foundation
import SinkAnalysis

/// One probe result as the report draws it: a score at one layer for one token group, target
/// and probe, with its confidence interval and control score.
public struct ProbeRow: Sendable, Codable, Equatable {
    public var layer: Int
    public var group: String
    public var target: String
    public var probe: String
    /// The suite's tag of the target (`global`, `local`), if any.
    public var tag: String?
    /// What the score measures: accuracy, r2, explained_variance_ratio.
    public var metric: String
    public var score: Double?
    public var lower: Double?
    public var upper: Double?
    public var level: Double?
    /// Score of the same probe on the control task (Hewitt & Liang), and score − control.
    public var control: Double?
    public var selectivity: Double?
    public var pValue: Double?
    /// Samples and images the score came from.
    public var n: Int
    public var images: Int
    /// Classes of a classification target (chance accuracy is about 1 / classes).
    public var classes: Int?
}

public struct ProbeFacts: Sendable, Codable, Equatable {
    public var available: Bool
    public var note: String?
    /// The results file read.
    public var source: String?
    /// "probe" (one `sinkscope probe` run) or "suite" (a probe suite).
    public var kind: String?
    public var rows: [ProbeRow]
}

/// Reads the `results.json` of `sinkscope probe` (`ProbeRunReport`) or of a probe suite
/// (`SuiteReport`) with their own Codable types.
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
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw ReportError.badResults(path: file.path, problem: "it is not valid JSON")
        }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let rows: [ProbeRow], kind: String
        if let suite = try? decoder.decode(SuiteReport.self, from: data) {
            rows = suite.rows.map { row($0.result, layer: $0.layer, group: $0.group, target: $0.target, probe: $0.probe, tag: $0.tag) }
            kind = "suite"
        } else {
            let run: ProbeRunReport
            do { run = try decoder.decode(ProbeRunReport.self, from: data) } catch {
                throw ReportError.badResults(path: file.path, problem: "it is neither a sinkscope probe nor a probe suite results.json (\(error))")
            }
            rows = run.results.map { row($0, layer: $0.layer, group: $0.group, target: $0.target, probe: $0.probe, tag: nil) }
            kind = "probe"
        }
        guard !rows.isEmpty else { throw ReportError.badResults(path: file.path, problem: "it holds no results") }
        return ProbeFacts(available: true, note: nil, source: file.path, kind: kind, rows: rows)
    }

    static func row(_ r: ProbeResult, layer: Int, group: String, target: String, probe: String, tag: String?) -> ProbeRow {
        ProbeRow(layer: layer, group: group, target: target, probe: probe, tag: tag, metric: r.metric, score: finite(r.score),
                 lower: finite(r.ciLower), upper: finite(r.ciUpper), level: r.ciLevel, control: finite(r.controlScore),
                 selectivity: finite(r.selectivity), pValue: finite(r.pValue), n: r.n, images: r.images,
                 classes: r.classes)
    }
}
