import Foundation

/// Makes the images a notebook's prose links to available next to its rendering.
///
/// A target may use `{{variables}}`. A path inside the output directory is linked relative to
/// it; a relative path resolves against the notebook's folder (as on GitHub) and an existing file
/// outside the output directory is copied into `assets/`, so the rendered page travels as one
/// folder. Web addresses are never loaded (the page makes no network requests): they become links.
struct NotebookAssets {
    let notebookDirectory: URL
    let outputDirectory: URL
    let variables: NotebookVariables?

    /// The `src` for `target` relative to the output directory, or nil (show a link instead).
    func source(for target: String) -> String? {
        if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("//") { return nil }
        let substituted = (try? variables?.substitute(target, line: 0, source: "")) ?? target
        let url = substituted.hasPrefix("/")
            ? URL(fileURLWithPath: substituted)
            : notebookDirectory.appendingPathComponent(substituted)
        let path = url.standardizedFileURL.path
        let root = outputDirectory.standardizedFileURL.path
        if path.hasPrefix(root + "/") { return String(path.dropFirst(root.count + 1)) }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let name = "assets/" + url.lastPathComponent
        let destination = outputDirectory.appendingPathComponent(name)
        try? FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: destination)
        guard (try? FileManager.default.copyItem(at: url, to: destination)) != nil else { return nil }
        return name
    }
}
