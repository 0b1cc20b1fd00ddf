/// How deeply a YAML text nests its lists and mappings, bounded before anything builds a tree of it.
///
/// Yams composes its node tree recursively (`Parser.loadNode` → `loadSequence` → `loadNode`), and the
/// decoder walks it the same way, so a text nested thousands of levels deep (`[[[[...`, or
/// `- - - - ...`) overflows the stack before any check of the suite can run. This scan keeps its
/// state in a few integers and never recurses. It bounds the depth from above, so it can only
/// over-count: flow collections (`[`, `{`) exactly, outside quoted scalars, comments and block
/// scalars; block collections as two per open indentation level plus the `- ` / `? ` indicators and a
/// key on the line itself (a mapping and its sequence may share one indentation).
enum YAMLNesting {
    /// Deeper than this is refused: a suite nests about 5 levels (groups → name → fields → list).
    static let limit = 64

    /// The 1-based line where the bound first exceeds `limit`, or nil when it never does.
    /// - Complexity: O(n) in the text's length, O(indentation levels) memory.
    static func firstLineDeeperThanLimit(_ yaml: String, limit: Int = limit) -> Int? {
        var scan = Scan()
        var lineNumber = 0
        for line in yaml.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if scan.read(Array(line)) > limit { return lineNumber }
        }
        return nil
    }

    /// The scanner's state between lines.
    private struct Scan {
        var flow = 0                       // open `[` / `{`
        var indents: [Int] = []            // indentation of the open block lines, increasing
        var carried = 0                    // the block bound of the line a flow collection or quote began on
        var quote: UInt8? = nil            // inside a quoted scalar that spans lines
        var blockScalar: (parent: Int, content: Int?)? = nil   // inside `|` / `>` content

        /// Reads one line; returns the largest depth bound reached on it.
        mutating func read(_ line: [UInt8]) -> Int {
            let space = UInt8(ascii: " ")
            var end = line.count
            while end > 0, line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            var indent = 0
            while indent < end, line[indent] == space { indent += 1 }
            let blank = indent == end

            if let scalar = blockScalar {
                // Its content is the following lines indented like the first non-blank one, or more.
                if blank { return 0 }
                let content = scalar.content ?? (indent > scalar.parent ? indent : nil)
                if let content, indent >= content { blockScalar = (scalar.parent, content); return 0 }
                blockScalar = nil
            }
            var block = carried
            if quote == nil && flow == 0 {
                if blank || line[indent] == UInt8(ascii: "#") { return 0 }
                while let last = indents.last, last >= indent { indents.removeLast() }
                indents.append(indent)
                block = 2 * indents.count - 1
            }
            var deepest = block + flow
            var valueStart = quote == nil        // where a quote, `[`, `{`, `|`, `>` opens a node
            var afterSpace = true                // where `#` opens a comment
            var i = indent
            defer { carried = block }
            while i < end {
                let c = line[i]
                if let q = quote {
                    if c == UInt8(ascii: "\\") && q == UInt8(ascii: "\"") { i += 2; continue }
                    if c == q {
                        if q == UInt8(ascii: "'"), i + 1 < end, line[i + 1] == q { i += 2; continue }   // '' is a quote inside
                        quote = nil
                        valueStart = false
                    }
                    i += 1
                    continue
                }
                let spaceFollows = i + 1 >= end || line[i + 1] == space
                if c == space || c == UInt8(ascii: "\t") {
                    afterSpace = true
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "#") && afterSpace {
                    return deepest
                } else if (c == UInt8(ascii: "\"") || c == UInt8(ascii: "'")) && valueStart {
                    quote = c
                } else if (c == UInt8(ascii: "[") || c == UInt8(ascii: "{")) && (valueStart || flow > 0) {
                    flow += 1
                    deepest = max(deepest, block + flow)
                    valueStart = true
                } else if (c == UInt8(ascii: "]") || c == UInt8(ascii: "}")) && flow > 0 {
                    flow -= 1
                    valueStart = false
                } else if c == UInt8(ascii: ",") && flow > 0 {
                    valueStart = true
                } else if (c == UInt8(ascii: "-") || c == UInt8(ascii: "?")) && valueStart && flow == 0 && spaceFollows {
                    block += 1                                 // `- - x`: a sequence in a sequence
                    deepest = max(deepest, block)
                } else if c == UInt8(ascii: ":") && (spaceFollows || flow > 0) {
                    if flow == 0 { block += 1; deepest = max(deepest, block) }   // a mapping on this line
                    valueStart = true
                } else if (c == UInt8(ascii: "|") || c == UInt8(ascii: ">")) && valueStart && flow == 0 {
                    blockScalar = (indent, nil)
                    return deepest
                } else if (c == UInt8(ascii: "&") || c == UInt8(ascii: "!")) && valueStart {
                    // An anchor or a tag precedes the node it names: the node still starts after it.
                    while i < end, line[i] != space { i += 1 }
                    continue
                } else {
                    valueStart = false
                }
                afterSpace = false
                i += 1
            }
            return deepest
        }
    }
}
