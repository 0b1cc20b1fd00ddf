import Foundation

/// The detection methods by their command-line names, and how parameters given as options become a
/// detector (with the documented defaults for the ones left out).
public enum DetectionMethod: String, CaseIterable, Sendable, Codable {
    case norm, relative, topk, attention, massive, sinkdim

    /// Defaults, as shown in `sinkscope detect --help`.
    public static let defaultsText = """
        norm: --tau auto (calibrated per layer); relative: --k 3; topk: --k 4; attention: --m 5; \
        massive: --abs 100 --ratio 1000 (Sun et al.); sinkdim: --tau 20 (Kang et al.; must stay below √D), dimensions discovered
        """

    /// Parses a method name.
    /// - Throws: `DetectionError.unknownMethod` naming the known methods.
    public init(name: String) throws {
        guard let m = DetectionMethod(rawValue: name) else {
            throw DetectionError.unknownMethod(name: name, known: DetectionMethod.allCases.map(\.rawValue))
        }
        self = m
    }

    /// The options this method reads.
    public var parameterNames: [String] {
        switch self {
        case .norm: return ["tau"]
        case .relative, .topk: return ["k"]
        case .attention: return ["m"]
        case .massive: return ["abs", "ratio"]
        case .sinkdim: return ["tau", "dims"]
        }
    }

    /// Builds the detector from optional parameters.
    /// - Parameters:
    ///   - tau: a number, or "auto" (norm only).
    ///   - k: ratio for `relative`, count for `topk` (must be a whole number).
    ///   - m: multiple of the uniform share for `attention`.
    ///   - abs, ratio: for `massive`.
    ///   - dimensions: sink dimensions for `sinkdim` (nil = discover).
    /// - Throws: `DetectionError.invalidParameter` for a value the method cannot use or a parameter
    ///   it does not read (a forgotten `--method` should not silently ignore `--m 5`).
    public func detector(
        tau: String? = nil, k: Double? = nil, m: Double? = nil, abs: Double? = nil, ratio: Double? = nil,
        dimensions: [Int]? = nil, includePrefix: Bool = false
    ) throws -> any SinkDetector {
        let given: [(String, String?)] = [
            ("tau", tau), ("k", k.map { "\($0)" }), ("m", m.map { "\($0)" }), ("abs", abs.map { "\($0)" }),
            ("ratio", ratio.map { "\($0)" }), ("dims", dimensions.map { $0.map(String.init).joined(separator: ",") }),
        ]
        for case let (name, value?) in given where !parameterNames.contains(name) {
            throw DetectionError.invalidParameter(
                method: rawValue, name: name, value: value,
                expected: "left out: method \(rawValue) reads only \(parameterNames.joined(separator: ", "))")
        }
        func number(_ text: String) throws -> Double {
            guard let v = Double(text), v.isFinite else {
                throw DetectionError.invalidParameter(method: rawValue, name: "tau", value: text, expected: "a number\(self == .norm ? " or auto" : "")")
            }
            return v
        }
        switch self {
        case .norm:
            let t = tau ?? "auto"
            return t == "auto"
                ? NormThreshold(tau: .auto, includePrefix: includePrefix)
                : NormThreshold(tau: try number(t), includePrefix: includePrefix)
        case .relative:
            return RelativeNorm(k: k ?? 3, includePrefix: includePrefix)
        case .topk:
            let value = k ?? 4
            guard value == value.rounded(), value >= 1, value < Double(Int.max) else {
                throw DetectionError.invalidParameter(method: rawValue, name: "k", value: "\(value)", expected: "a whole number of tokens ≥ 1")
            }
            return TopKNorm(k: Int(value), includePrefix: includePrefix)
        case .attention:
            return ReceivedAttentionThreshold(m: m ?? 5, includePrefix: includePrefix)
        case .massive:
            return MassiveDimensions(abs: abs ?? 100, ratio: ratio ?? 1000, includePrefix: includePrefix)
        case .sinkdim:
            return SinkDimensionScore(dimensions: dimensions, tau: try tau.map(number) ?? 20, includePrefix: includePrefix)
        }
    }
}
