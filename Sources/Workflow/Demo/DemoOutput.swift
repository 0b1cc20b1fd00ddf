import Support
import ActivationStore
import SinkAnalysis
import ReportKit
import Foundation

/// The demo's output folder: prepared (emptied only when an earlier demo wrote it), then given
/// `findings.json` and the demo page `index.html`.
enum DemoOutput {
    static func prepare(_ config: DemoConfig) throws {
        let fm = FileManager.default
        let out = config.out
        do {
            if fm.fileExists(atPath: out.path) {
                let contents = try fm.contentsOfDirectory(atPath: out.path)
                if !contents.isEmpty {
                    guard contents.contains(DemoConfig.markerName) else {
                        throw DemoError.outputNotWritable(
                            path: out.path, reason: "it is not empty and was not written by sinkscope demo; choose another --out")
                    }
                    for name in contents { try fm.removeItem(at: out.appendingPathComponent(name)) }
                }
            }
            try fm.createDirectory(at: out, withIntermediateDirectories: true)
            try Data("written by sinkscope demo\n".utf8).write(to: out.appendingPathComponent(DemoConfig.markerName))
        } catch let error as DemoError {
            throw error
        } catch {
            throw DemoError.outputNotWritable(path: out.path, reason: error.localizedDescription)
        }
    }

    /// `findings.json` and `index.html`.
    static func write(_ findings: DemoFindings, config: DemoConfig, photoReport: ReportSummary, synthReport: ReportSummary) throws {
        let encoder = JSONCoding.encoder()
        try encoder.encode(findings).write(to: config.findingsFile, options: .atomic)
        let page = DemoPage(findings: findings, config: config, photoReport: photoReport, synthReport: synthReport).render()
        try Data(page.utf8).write(to: config.page, options: .atomic)
    }

    /// `url` relative to the current directory when it lies below it (what a user types), else absolute.
    static func displayPath(_ url: URL) -> String {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }
}
