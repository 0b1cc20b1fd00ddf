import Foundation

/// The images an extraction reads, each with its id (the file name without extension).
///
/// Two forms, as `sinkscope extract --images DIR|LIST`:
/// - a **directory**: the files at its top level (not recursive) whose extension is .png, .jpg,
///   .jpeg, .gif, .bmp or .webp (any case); hidden files are skipped; sorted by file name;
/// - a **list file**: one path per line, relative to the list file's folder (or absolute); blank
///   lines and lines starting with `#` are skipped; the order of the file is kept.
///
/// Files are not opened here: a missing or broken file surfaces when it is decoded, as an
/// `ImageError` naming it, so that `--skip-bad` can skip and list it.
public struct ImageSource: Sendable, Equatable {
    public struct Item: Sendable, Equatable, Hashable {
        /// The file name without its extension; unique within a source; matches `labels.csv`'s `image` column.
        public let id: String
        public let url: URL
    }

    public let items: [Item]
    /// The directory or list file the items came from.
    public let origin: URL

    /// Lists `path`, which is a directory or a list file.
    ///
    /// - Throws: `ImageError.sourceNotFound`, `.noImages` (an empty directory), `.duplicateID`,
    ///   `.unreadable` (a list file that cannot be read).
    public init(path: URL) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path.path, isDirectory: &isDirectory) else {
            throw ImageError.sourceNotFound(path: path.path)
        }
        if isDirectory.boolValue {
            try self.init(directory: path)
        } else {
            try self.init(list: path)
        }
    }

    /// The image files at the top level of `directory`, sorted by name.
    public init(directory: URL) throws {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw ImageError.unreadable(path: directory.path, reason: "the directory cannot be listed")
        }
        let urls = names
            .filter { !$0.hasPrefix(".") && ImageFormat.fileExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted()
            .map { directory.appendingPathComponent($0) }
            .filter { url in
                var isDir: ObjCBool = false
                return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue
            }
        guard !urls.isEmpty else { throw ImageError.noImages(path: directory.path) }
        try self.init(urls: urls, origin: directory)
    }

    /// The files named in the list file `list`, in order.
    public init(list: URL) throws {
        guard let data = FileManager.default.contents(atPath: list.path) else {
            throw ImageError.unreadable(path: list.path, reason: "permission denied or I/O error")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ImageError.unreadable(path: list.path, reason: "the list is not UTF-8 text")
        }
        let folder = list.deletingLastPathComponent()
        let urls = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            .map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : folder.appendingPathComponent($0) }
        guard !urls.isEmpty else { throw ImageError.noImages(path: list.path) }
        try self.init(urls: urls, origin: list)
    }

    /// Items for `urls` in the given order, with ids from their file names.
    ///
    /// - Throws: `ImageError.duplicateID` naming both files when two share an id.
    public init(urls: [URL], origin: URL) throws {
        var seen: [String: URL] = [:]
        var items: [Item] = []
        for url in urls {
            let id = Self.id(for: url)
            if let first = seen[id] {
                throw ImageError.duplicateID(id: id, first: first.path, second: url.path)
            }
            seen[id] = url
            items.append(Item(id: id, url: url))
        }
        self.items = items
        self.origin = origin
    }

    /// The id of an image file: its name without the last extension (`photos/cat.01.png` → `cat.01`).
    public static func id(for url: URL) -> String {
        url.deletingPathExtension().lastPathComponent
    }
}
