import SinkAnalysis
import VisionModels

/// Which tokens an intervention acts on (`--tokens`): `cls`, `registers`, `prefix`, `sinks:METHOD`
/// (found per image on the clean run at the same layer by the given detector), or explicit
/// positions `tokens:3,17` in the patch grid (row-major, 0-based; the prefix tokens come before them).
public enum TokenSelector: Sendable, Equatable, CustomStringConvertible {
    case cls
    case registers
    case prefix
    case sinks(method: String)
    case grid([Int])

    /// Parses `cls`, `registers`, `prefix`, `sinks:METHOD`, `tokens:3,17`.
    public init(parsing text: String) throws {
        switch text {
        case "cls": self = .cls
        case "registers": self = .registers
        case "prefix": self = .prefix
        default:
            if text.hasPrefix("sinks:"), text.count > 6 {
                self = .sinks(method: String(text.dropFirst(6)))
            } else if text.hasPrefix("tokens:"),
                      case let parts = text.dropFirst(7).split(separator: ",", omittingEmptySubsequences: false),
                      !parts.isEmpty, let positions = Optional(parts.compactMap { Int($0) }), positions.count == parts.count,
                      positions.allSatisfy({ $0 >= 0 }) {
                self = .grid(positions)
            } else {
                throw InterventionError.badSelector(text)
            }
        }
    }

    public var description: String {
        switch self {
        case .cls: return "cls"
        case .registers: return "registers"
        case .prefix: return "prefix"
        case .sinks(let method): return "sinks:\(method)"
        case .grid(let p): return "tokens:" + p.map(String.init).joined(separator: ",")
        }
    }

    /// The token indices (0..<T) of a selector that does not depend on the image, or nil for `sinks:`.
    /// - Throws: `InterventionError` when the tower has no such tokens.
    func fixedTokens(prefix: PrefixTokens, tokens t: Int, architecture: String) throws -> [Int]? {
        switch self {
        case .cls:
            guard prefix.cls > 0 else { throw InterventionError.noSuchTokens(selector: description, architecture: architecture, what: "no CLS token") }
            return [0]
        case .registers:
            guard prefix.registers > 0 else {
                throw InterventionError.noSuchTokens(selector: description, architecture: architecture, what: "no register tokens")
            }
            return Array(prefix.cls..<(prefix.cls + prefix.registers))
        case .prefix:
            guard prefix.count > 0 else { throw InterventionError.noSuchTokens(selector: description, architecture: architecture, what: "no prefix tokens") }
            return Array(0..<prefix.count)
        case .grid(let positions):
            let patches = t - prefix.count
            if let bad = positions.first(where: { $0 >= patches }) {
                throw InterventionError.noSuchTokens(
                    selector: description, architecture: architecture, what: "no grid position \(bad) (its grid has \(patches) patches, 0...\(patches - 1))")
            }
            return Array(Set(positions.map { $0 + prefix.count })).sorted()
        case .sinks:
            return nil
        }
    }
}
