import Foundation

/// Splits one command line into words the way a POSIX shell would for the quoting a notebook
/// needs, without running a shell (nothing is expanded, globbed or executed):
/// - blanks separate words;
/// - `'...'` keeps everything literally;
/// - `"..."` keeps everything except `\"`, `\\` (and `\$`, `` \` ``), which lose the backslash;
/// - outside quotes, `\c` is the character `c`;
/// - `#` at the start of a word begins a comment that runs to the end of the line.
///
/// `{{variables}}` are left in place; the runner substitutes them word by word afterwards, so a
/// value with spaces stays one word.
public enum ShellWords {
    /// - Returns: the words, or nil when a quote is never closed.
    public static func split(_ line: String) -> [String]? {
        var words: [String] = []
        var current = ""
        var inWord = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            switch c {
            case " ", "\t":
                if inWord { words.append(current); current = ""; inWord = false }
            case "#" where !inWord:
                chars = []
            case "'":
                inWord = true
                guard let close = chars.firstIndex(of: "'") else { return nil }
                current += String(chars[chars.startIndex..<close])
                chars = chars[(close + 1)...]
            case "\"":
                inWord = true
                var closed = false
                while let d = chars.popFirst() {
                    if d == "\"" { closed = true; break }
                    if d == "\\", let next = chars.first, "\"\\$`".contains(next) {
                        current.append(next); chars.removeFirst()
                    } else {
                        current.append(d)
                    }
                }
                guard closed else { return nil }
            case "\\":
                inWord = true
                if let next = chars.popFirst() { current.append(next) }
            default:
                inWord = true
                current.append(c)
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Quotes `word` for display so that `split` would give it back (only when needed).
    public static func quote(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%{}~".contains($0) }
        if plain && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
