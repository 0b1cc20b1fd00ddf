import Foundation

/// Which tokens of each image a probe looks at. Written as a string: `cls`, `registers`, `patches`,
/// `sinks:METHOD`, `nonsinks:METHOD`, `random:K`, `matched:METHOD`.
public enum TokenGroup: Sendable, Equatable, Hashable, Codable, LosslessStringConvertible {
    /// The first prefix token.
    case cls
    /// The register tokens (the prefix tokens after CLS; `ModelInfo.registers`): designed sinks
    /// (Darcet et al.), a group of their own.
    case registers
    /// All patch tokens (after the prefix tokens).
    case patches
    /// Tokens the named detection method marked as sinks.
    case sinks(String)
    /// Patch tokens the named method did not mark.
    case nonsinks(String)
    /// K random patch tokens per image (seeded) — a baseline of fixed size.
    case random(Int)
    /// As many random non-sink patch tokens as the image has sinks under the method — the
    /// matched-size baseline for `sinks:METHOD`.
    case matched(String)

    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("cls", 1): self = .cls
        case ("registers", 1): self = .registers
        case ("patches", 1): self = .patches
        case ("sinks", 2) where !parts[1].isEmpty: self = .sinks(parts[1])
        case ("nonsinks", 2) where !parts[1].isEmpty: self = .nonsinks(parts[1])
        case ("matched", 2) where !parts[1].isEmpty: self = .matched(parts[1])
        case ("random", 2):
            guard let k = Int(parts[1]), k >= 1 else { return nil }
            self = .random(k)
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .cls: return "cls"
        case .registers: return "registers"
        case .patches: return "patches"
        case .sinks(let m): return "sinks:\(m)"
        case .nonsinks(let m): return "nonsinks:\(m)"
        case .random(let k): return "random:\(k)"
        case .matched(let m): return "matched:\(m)"
        }
    }

    /// The detection method the group depends on, if any.
    public var method: String? {
        switch self {
        case .sinks(let m), .nonsinks(let m), .matched(let m): return m
        default: return nil
        }
    }

    public static let grammar = "cls, registers, patches, sinks:METHOD, nonsinks:METHOD, random:K or matched:METHOD"

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let value = TokenGroup(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "group \"\(text)\" must be one of \(Self.grammar)")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// What a probe predicts. Written as a string: `label:COLUMN`, `position`, `position:row`,
/// `position:col`, `patch_color`, `control` or `control:COLUMN`.
public enum ProbeTarget: Sendable, Equatable, Hashable, Codable, LosslessStringConvertible {
    /// The image's value in a labels column (classes for logistic, numbers for ridge).
    case label(String)
    /// The token's patch position: (row, col) scaled to [0, 1] for ridge, the patch index as a
    /// class for logistic. Needs token samples or `reduce: maxnorm`.
    case position
    /// The token's grid row (`position:row`) or column (`position:col`): classes for logistic,
    /// numbers for ridge. Needs token samples or `reduce: maxnorm`.
    case gridRow, gridColumn
    /// The mean colour (R, G, B in [0, 1]) of the token's patch in the image the model saw
    /// (`patch_color`, see `PatchColors`): three outputs for ridge. Needs token samples or
    /// `reduce: maxnorm`, and the image files the store was extracted from.
    case patchColor
    /// The Hewitt–Liang control version of `label:COLUMN` as the target itself (COLUMN may be
    /// omitted when the store has a single label column).
    case control(String?)

    public init?(_ text: String) {
        if text == "position" { self = .position; return }
        if text == "position:row" { self = .gridRow; return }
        if text == "position:col" { self = .gridColumn; return }
        if text == "patch_color" { self = .patchColor; return }
        if text == "control" { self = .control(nil); return }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        switch parts[0] {
        case "label": self = .label(parts[1])
        case "control": self = .control(parts[1])
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .label(let c): return "label:\(c)"
        case .position: return "position"
        case .gridRow: return "position:row"
        case .gridColumn: return "position:col"
        case .patchColor: return "patch_color"
        case .control(let c): return c.map { "control:\($0)" } ?? "control"
        }
    }

    public static let grammar = "label:COLUMN, position, position:row, position:col, patch_color, control or control:COLUMN"

    /// Whether the target belongs to a single patch token (position, row, column, patch colour).
    public var isPositional: Bool {
        switch self {
        case .position, .gridRow, .gridColumn, .patchColor: return true
        case .label, .control: return false
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let value = ProbeTarget(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "target \"\(text)\" must be one of \(Self.grammar)")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
