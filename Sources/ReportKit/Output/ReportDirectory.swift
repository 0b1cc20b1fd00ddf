import Foundation

/// Builds a report in a hidden sibling directory and moves it into place at the end, so an
/// interrupted build never leaves a half-written report at the output path, and a failed build
/// leaves the previous report intact.
struct ReportDirectory {
    let target: URL
    let staging: URL

    /// Refuses a target that holds something other than a report (a report has `report.json`).
    init(target: URL) throws {
        self.target = target.standardizedFileURL
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: self.target.path, isDirectory: &isDirectory) {
            let contents = (try? fm.contentsOfDirectory(atPath: self.target.path)) ?? []
            guard isDirectory.boolValue, contents.isEmpty || contents.contains("report.json") else {
                throw ReportError.outputNotReport(path: self.target.path)
            }
        }
        let parent = self.target.deletingLastPathComponent()
        staging = parent.appendingPathComponent(".\(self.target.lastPathComponent).partial-\(UUID().uuidString.prefix(8))")
        do {
            try fm.createDirectory(at: staging, withIntermediateDirectories: true)
        } catch {
            throw ReportError.writeFailed(path: staging.path, reason: error.localizedDescription)
        }
    }

    func write(_ data: Data, to name: String) throws {
        do { try data.write(to: staging.appendingPathComponent(name)) } catch {
            throw ReportError.writeFailed(path: target.appendingPathComponent(name).path, reason: error.localizedDescription)
        }
    }

    /// Swaps the finished staging directory in for the target.
    func commit() throws {
        let fm = FileManager.default
        do {
            if fm.fileExists(atPath: target.path) {
                let old = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).old-\(UUID().uuidString.prefix(8))")
                try fm.moveItem(at: target, to: old)
                try fm.moveItem(at: staging, to: target)
                try? fm.removeItem(at: old)
            } else {
                try fm.moveItem(at: staging, to: target)
            }
        } catch {
            throw ReportError.writeFailed(path: target.path, reason: error.localizedDescription)
        }
    }

    func discard() { try? FileManager.default.removeItem(at: staging) }
}
