/// RFC 4180 CSV: comma-separated fields, fields in double quotes may hold commas, newlines and
/// doubled quotes (`""`). Lines end with LF or CRLF; a UTF-8 BOM is dropped.
enum CSVParser {
    struct ParseError: Error { let line: Int; let message: String }

    /// Records with the line number each starts on; blank lines are skipped.
    static func parse(_ text: String) throws -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var inQuotes = false
        var quotedField = false
        var line = 1, recordLine = 1
        var chars = Array(text.unicodeScalars)
        if chars.first == "\u{FEFF}" { chars.removeFirst() }
        var i = 0

        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty && !quotedField) { records.append((recordLine, fields)) }
            fields = []
            field = ""
            quotedField = false
        }

        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.unicodeScalars.append("\""); i += 1 } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else {
                switch c {
                case "\"":
                    guard field.isEmpty else { throw ParseError(line: line, message: "a quote appears inside an unquoted field") }
                    inQuotes = true
                    quotedField = true
                case ",":
                    fields.append(field)
                    field = ""
                    quotedField = false
                case "\r" where i + 1 < chars.count && chars[i + 1] == "\n":
                    break
                case "\n":
                    endRecord()
                    line += 1
                    recordLine = line
                default:
                    // After a closing quote only a comma or the line end may follow ("a"b is malformed).
                    guard !quotedField else { throw ParseError(line: line, message: "text follows a closing quote") }
                    field.unicodeScalars.append(c)
                }
            }
            i += 1
        }
        guard !inQuotes else { throw ParseError(line: recordLine, message: "a quoted field is not closed") }
        if !field.isEmpty || !fields.isEmpty || quotedField { endRecord() }
        return records
    }
}
