import Foundation

/// `labels.csv`: a header `image,<column>,...` and one row per image.
///
/// The `image` value matches an image's id, or the file name of its source (with or without
/// extension). Values are kept as strings; probes decide how to read them.
public struct LabelsTable: Sendable, Equatable {
    /// Label columns (the header without `image`), in file order.
    public let columns: [String]
    /// `image` value → column → value.
    public let rows: [String: [String: String]]
    /// Where the table came from, for messages.
    public let source: String

    /// Reads and checks `url`.
    /// - Throws: `StoreError.labels` for an empty (or BOM-only, or header-only) file, a missing `image`
    ///   column, rows with the wrong number of fields, repeated images or malformed quoting, naming the line.
    public init(url: URL) throws {
        // Data, then decoding: String(contentsOf:encoding:) refuses an empty file as not UTF-8.
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw StoreError.labels(file: url.path, problem: "cannot read the labels file (no such file, or no permission)")
        }
        guard String(data: data, encoding: .utf8) != nil else {
            throw StoreError.labels(file: url.path, problem: "cannot read the labels file as UTF-8 text")
        }
        // Decoded again without Foundation, which drops a leading byte-order mark the messages mention.
        try self.init(text: String(decoding: data, as: UTF8.self), source: url.path)
    }

    public init(text: String, source: String) throws {
        self.source = source
        func bad(_ problem: String) -> StoreError { .labels(file: source, problem: problem) }
        let records: [(line: Int, fields: [String])]
        do { records = try CSVParser.parse(text) } catch let e as CSVParser.ParseError {
            throw bad("line \(e.line) is not valid CSV: \(e.message)")
        }
        let needs = "it needs a header 'image,<column>,...' and one line per image"
        func isBlank(_ fields: [String]) -> Bool { fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty } }
        guard let header = records.first, !(records.count == 1 && isBlank(header.fields)) else {
            // Blank lines are skipped, so this is a file of nothing but blanks (or a byte-order mark).
            let bomOnly = text.unicodeScalars.first == "\u{FEFF}"
            throw bad("the labels file \(bomOnly ? "holds only a UTF-8 byte-order mark" : "is empty"); \(needs)")
        }
        guard !isBlank(header.fields) else { throw bad("line \(header.line) has no column names where the header belongs; \(needs)") }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        guard let imageColumn = names.firstIndex(of: "image") else {
            throw bad("the header has no 'image' column (it has: \(names.joined(separator: ", ")))")
        }
        guard Set(names).count == names.count else { throw bad("the header repeats a column name") }
        guard records.count > 1 else {
            throw bad("the labels file has a header (\(names.joined(separator: ", "))) but no rows; add one line per image (its file name or id, then its labels)")
        }
        columns = names.enumerated().filter { $0.offset != imageColumn }.map(\.element)
        var rows: [String: [String: String]] = [:]
        for record in records.dropFirst() {
            guard record.fields.count == names.count else {
                throw bad("line \(record.line) has \(record.fields.count) fields but the header has \(names.count)")
            }
            let image = record.fields[imageColumn].trimmingCharacters(in: .whitespaces)
            guard !image.isEmpty else { throw bad("line \(record.line) has an empty 'image' value") }
            guard rows[image] == nil else { throw bad("image '\(image)' appears on more than one line (again on line \(record.line))") }
            var values: [String: String] = [:]
            for (k, name) in names.enumerated() where k != imageColumn { values[name] = record.fields[k] }
            rows[image] = values
        }
        self.rows = rows
    }

    /// `images` with their labels filled in from the table.
    /// - Throws: `StoreError.labels` when a row names an image that is not among `images`.
    public func apply(to images: [ImageEntry]) throws -> [ImageEntry] {
        // Ids always match; a source file name matches only when no other image shares it
        // (imported images all come from the same dump file).
        var sourceKeys: [String: [Int]] = [:]
        for (i, image) in images.enumerated() {
            let file = URL(fileURLWithPath: image.source).lastPathComponent
            for key in Set([file, URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent]) { sourceKeys[key, default: []].append(i) }
        }
        var keyToIndex: [String: Int] = [:]
        for (key, indices) in sourceKeys where indices.count == 1 { keyToIndex[key] = indices[0] }
        for (i, image) in images.enumerated() { keyToIndex[image.id] = i }
        let unknown = rows.keys.filter { keyToIndex[$0] == nil }.sorted()
        guard unknown.isEmpty else {
            let shown = unknown.prefix(5).map { "'\($0)'" }.joined(separator: ", ") + (unknown.count > 5 ? ", ..." : "")
            throw StoreError.labels(file: source, problem: "\(unknown.count) row(s) name images that are not in the input: \(shown) (ids are e.g. \(images.prefix(3).map { "'\($0.id)'" }.joined(separator: ", ")))")
        }
        var out = images
        for (key, values) in rows { out[keyToIndex[key]!].labels.merge(values) { _, new in new } }
        return out
    }
}
