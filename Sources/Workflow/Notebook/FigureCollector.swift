import ActivationStore
import SinkAnalysis
import ReportKit
import Foundation

/// Finds the figures a block wrote: PNG files (and `index.html` pages) under the paths its
/// commands name, when those paths lie inside the output directory, modified since the block
/// started, and not already shown by an earlier block with the same modification time (so a
/// later block naming the same folder does not show them again).
struct FigureCollector {
    let outputDirectory: URL
    let workingDirectory: URL
    var since: Date
    /// Relative path → modification time of the files earlier blocks collected.
    var seen: [String: Date] = [:]

    /// Paths relative to the output directory, sorted; each figure once.
    mutating func collect(arguments: [String]) -> (figures: [String], pages: [String]) {
        var figures = Set<String>(), pages = Set<String>()
        for argument in arguments {
            // `--out=DIR` names DIR too.
            let candidate = argument.hasPrefix("-") ? argument.split(separator: "=", maxSplits: 1).dropFirst().first.map(String.init) : argument
            guard let candidate, !candidate.isEmpty, let relative = relativeToOutput(candidate) else { continue }
            let url = outputDirectory.appendingPathComponent(relative)
            for file in files(at: url) {
                guard let rel = relativeToOutput(file.path), let date = modified(file),
                      date >= since.addingTimeInterval(-1), seen[rel] != date else { continue }
                seen[rel] = date
                switch file.pathExtension.lowercased() {
                case "png": figures.insert(rel)
                case "html" where file.lastPathComponent == "index.html": pages.insert(rel)
                default: break
                }
            }
        }
        return (figures.sorted(), pages.sorted())
    }

    /// `path` (absolute, or relative to the working directory) relative to the output directory,
    /// or nil when it lies outside. The output directory itself is "" (not collected: that would
    /// show every figure of the run after any command that names `{{out}}`).
    func relativeToOutput(_ path: String) -> String? {
        let absolute = path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path)
        let full = absolute.standardizedFileURL.path
        let root = outputDirectory.standardizedFileURL.path
        guard full.hasPrefix(root + "/") else { return nil }
        let rel = String(full.dropFirst(root.count + 1))
        return rel.isEmpty || rel.hasPrefix("logs") ? nil : rel
    }

    /// The file itself, or every regular file below a directory.
    func files(at url: URL) -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { return [] }
        guard isDirectory.boolValue else { return [url] }
        guard let enumerator = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        return enumerator.compactMap { $0 as? URL }.filter { (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
    }

    /// The modification time (the one-second slack above covers file systems with coarse times).
    func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }
}
