/// The subset of Python literal syntax a `.npy` header uses: a dict of strings, booleans,
/// integers and tuples, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
enum PythonLiteral: Equatable {
    case string(String)
    case bool(Bool)
    /// Integers keep their digits; `Int(text)` is nil when they do not fit 64 bits.
    case integer(String)
    case sequence([PythonLiteral])
    case dict([(String, PythonLiteral)])
    case none

    static func == (a: PythonLiteral, b: PythonLiteral) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.sequence(x), .sequence(y)): return x == y
        case let (.dict(x), .dict(y)): return x.map(\.0) == y.map(\.0) && x.map(\.1) == y.map(\.1)
        case (.none, .none): return true
        default: return false
        }
    }

    struct ParseError: Error { let message: String }

    /// Parses `text` as one literal followed only by whitespace.
    static func parse(_ text: String) throws -> PythonLiteral {
        var parser = Parser(scalars: Array(text.unicodeScalars))
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == parser.scalars.count else { throw ParseError(message: "unexpected text after the dict") }
        return value
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func skipSpace() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\n" || scalars[index] == "\t" || scalars[index] == "\r" { index += 1 }
        }

        mutating func value(depth: Int) throws -> PythonLiteral {
            // A header is a flat dict; deep nesting only comes from hostile input.
            guard depth < 16 else { throw ParseError(message: "nesting is too deep") }
            skipSpace()
            guard index < scalars.count else { throw ParseError(message: "it ends early") }
            switch scalars[index] {
            case "'", "\"": return .string(try string())
            case "{": return try dict(depth: depth)
            case "(": return .sequence(try sequence(close: ")", depth: depth))
            case "[": return .sequence(try sequence(close: "]", depth: depth))
            case "-", "0"..."9": return .integer(integer())
            default:
                for (word, literal) in [("True", PythonLiteral.bool(true)), ("False", .bool(false)), ("None", .none)] where matches(word) {
                    index += word.unicodeScalars.count
                    return literal
                }
                throw ParseError(message: "unexpected character '\(scalars[index])' at offset \(index)")
            }
        }

        func matches(_ word: String) -> Bool {
            let w = Array(word.unicodeScalars)
            return index + w.count <= scalars.count && Array(scalars[index..<(index + w.count)]) == w
        }

        mutating func string() throws -> String {
            let quote = scalars[index]
            index += 1
            var out = String.UnicodeScalarView()
            while index < scalars.count {
                let c = scalars[index]
                index += 1
                if c == quote { return String(out) }
                if c == "\\" {
                    guard index < scalars.count else { break }
                    out.append(scalars[index])
                    index += 1
                } else {
                    out.append(c)
                }
            }
            throw ParseError(message: "a string is not closed")
        }

        mutating func integer() -> String {
            var out = ""
            if scalars[index] == "-" { out.append("-"); index += 1 }
            while index < scalars.count, ("0"..."9").contains(scalars[index]) {
                out.unicodeScalars.append(scalars[index])
                index += 1
            }
            // Python 2 era files may write long integers as `3L`.
            if index < scalars.count, scalars[index] == "L" { index += 1 }
            return out
        }

        mutating func sequence(close: Unicode.Scalar, depth: Int) throws -> [PythonLiteral] {
            index += 1
            var items: [PythonLiteral] = []
            while true {
                skipSpace()
                guard index < scalars.count else { throw ParseError(message: "a tuple or list is not closed") }
                if scalars[index] == close { index += 1; return items }
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard index < scalars.count else { throw ParseError(message: "a tuple or list is not closed") }
                if scalars[index] == "," { index += 1 } else if scalars[index] != close {
                    throw ParseError(message: "expected ',' or '\(close)' at offset \(index)")
                }
            }
        }

        mutating func dict(depth: Int) throws -> PythonLiteral {
            index += 1
            var items: [(String, PythonLiteral)] = []
            while true {
                skipSpace()
                guard index < scalars.count else { throw ParseError(message: "the dict is not closed") }
                if scalars[index] == "}" { index += 1; return .dict(items) }
                guard scalars[index] == "'" || scalars[index] == "\"" else { throw ParseError(message: "a dict key is not a string") }
                let key = try string()
                skipSpace()
                guard index < scalars.count, scalars[index] == ":" else { throw ParseError(message: "expected ':' after key '\(key)'") }
                index += 1
                items.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard index < scalars.count else { throw ParseError(message: "the dict is not closed") }
                if scalars[index] == "," { index += 1 } else if scalars[index] != "}" {
                    throw ParseError(message: "expected ',' or '}' at offset \(index)")
                }
            }
        }
    }
}
