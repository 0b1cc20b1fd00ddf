import ActivationStore
import Foundation
import SinkAnalysis

/// Where a report's sink masks come from: masks stored by `sinkscope detect`, or a detector the
/// report runs in memory (the store is never modified by a report).
public struct SinkSource: Sendable, Codable, Equatable {
    /// The method name, e.g. "norm".
    public var method: String
    /// "stored" (read from `sink.{method}.{l}`) or "computed" (detected in memory by the report).
    public var origin: String
    /// The parameters as recorded in the manifest or used by the report.
    public var parameters: [String: String]
    public var includePrefix: Bool
    /// One sentence saying where the masks came from and why.
    public var note: String

    /// The detector to run when the masks are computed.
    var detector: (any SinkDetector)? {
        guard origin == "computed", let m = DetectionMethod(rawValue: method) else { return nil }
        return try? m.detector(includePrefix: includePrefix)
    }

    /// Picks the masks for `requested` (see `ReportConfig.method`).
    /// - Throws: `ReportError.invalidOption` for a method that is neither stored nor known.
    static func resolve(store: StoreReader, requested: String?) throws -> SinkSource {
        let stored = store.maskMethods
        func fromStore(_ m: String) -> SinkSource {
            let set = store.manifest.masks[m]
            let params = set?.parameters ?? [:]
            return SinkSource(method: m, origin: "stored", parameters: params,
                              includePrefix: params["include_prefix"] == "true",
                              note: "Sink masks '\(m)' were read from the store (written by sinkscope detect).")
        }
        func computed(_ m: DetectionMethod, why: String) throws -> SinkSource {
            let detector = try m.detector()
            return SinkSource(method: m.rawValue, origin: "computed", parameters: detector.parameters,
                              includePrefix: detector.includePrefix,
                              note: why + " The report detected sinks in memory with method '\(m.rawValue)' ("
                                + Self.parameterText(detector.parameters) + "); the store was not changed.")
        }
        if let requested {
            if stored.contains(requested) { return fromStore(requested) }
            guard let m = DetectionMethod(rawValue: requested) else {
                throw ReportError.invalidOption(
                    name: "--method", value: requested,
                    expected: "a method with stored masks (" + (stored.isEmpty ? "the store has none" : stored.joined(separator: ", "))
                        + ") or one of " + DetectionMethod.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return try computed(m, why: "The store has no '\(requested)' masks.")
        }
        if stored.contains("norm") { return fromStore("norm") }
        if let first = stored.first { return fromStore(first) }
        return try computed(.norm, why: "The store has no sink masks.")
    }

    static func parameterText(_ p: [String: String]) -> String {
        p.keys.sorted().map { "\($0)=\(p[$0] ?? "")" }.joined(separator: ", ")
    }

    /// The norm threshold the masks applied on `layer`, when the method is a norm threshold.
    func normThreshold(layer: Int) -> (value: Double?, source: String) {
        switch method {
        case "norm":
            let tau = parameters["tau"] ?? "auto"
            if tau == "auto" {
                let per = parameters["tau.\(layer)"]
                if let v = per.flatMap(Double.init) { return (v, "calibrated") }
                return (nil, "none")
            }
            return (Double(tau), "given")
        case "topk": return (nil, "rank")
        default: return (nil, "given")
        }
    }
}
