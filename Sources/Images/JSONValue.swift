/// A parsed JSON value, for config files whose fields change type between versions (HF's
/// `size` is an integer or an object). Decoded with `JSONDecoder`, which reads numbers exactly;
/// Foundation's `JSONSerialization` on Linux can be off by one ulp (it turned HF's
/// `rescale_factor` 0.00392156862745098 into a different Double than 1/255).
enum JSONValue: Decodable, Equatable, CustomStringConvertible {
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
    case null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    var description: String {
        switch self {
        case .bool(let b): return "\(b)"
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? "\(Int(d))" : "\(d)"
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(\.description).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\"\($0)\": \(o[$0]!)" }.joined(separator: ", ") + "}"
        case .null: return "null"
        }
    }

    /// The value as a positive integer no larger than `limit`, if it is one.
    func positiveInt(limit: Int) -> Int? {
        guard case .number(let d) = self, d == d.rounded(), d >= 1, d <= Double(limit) else { return nil }
        return Int(d)
    }
}
