import ActivationStore
import Foundation

/// A suite group bound to the engine: its `TokenGroup`, and for sink groups the detector whose
/// masks it reads.
///
/// Sink masks are keyed by the detection they describe (`topk(k=4)`, `attention(m=5)`), so two
/// groups with the same method and parameters share one mask, and `sinks:topk(k=4)` in a result
/// says exactly which tokens were used.
struct GroupBinding: Sendable {
    let name: String
    let entry: GroupEntry
    let token: TokenGroup
    /// The sink groups's detector (sinks, nonsinks, and random groups matched to a sinks group).
    let detector: (any SinkDetector)?

    var maskKey: String? { token.method }

    /// Binds every group of a suite (matched groups after the group they match).
    static func bind(_ suite: SuiteFile) throws -> [GroupBinding] {
        var out: [String: GroupBinding] = [:]
        func bindOne(_ g: Named<GroupEntry>) throws -> GroupBinding {
            if let done = out[g.name] { return done }
            let e = g.value
            let binding: GroupBinding
            switch e.kind {
            case .cls: binding = GroupBinding(name: g.name, entry: e, token: .cls, detector: nil)
            case .registers: binding = GroupBinding(name: g.name, entry: e, token: .registers, detector: nil)
            case .patches: binding = GroupBinding(name: g.name, entry: e, token: .patches, detector: nil)
            case .sinks, .nonsinks:
                let detector = try e.detection!.detector()
                let key = Self.key(detector)
                binding = GroupBinding(name: g.name, entry: e, token: e.kind == .sinks ? .sinks(key) : .nonsinks(key), detector: detector)
            case .random:
                if let k = e.k {
                    binding = GroupBinding(name: g.name, entry: e, token: .random(k), detector: nil)
                } else {
                    let target = try bindOne(suite.groups.first { $0.name == e.matched }!)
                    binding = GroupBinding(name: g.name, entry: e, token: .matched(target.maskKey!), detector: target.detector)
                }
            }
            out[g.name] = binding
            return binding
        }
        return try suite.groups.map(bindOne)
    }

    /// `method(p=v,...)` over the detector's parameters (prefix tokens are never sinks in a suite).
    static func key(_ d: any SinkDetector) -> String {
        let params = d.parameters.filter { $0.key != "include_prefix" }.sorted { $0.key < $1.key }
        return d.name + "(" + params.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + ")"
    }
}

/// How a sink group's mask was obtained at one layer, and what it holds.
public struct SuiteDetection: Sendable, Equatable, Codable {
    public var layer: Int
    /// The mask key (`topk(k=4)`); groups sharing it share this entry.
    public var mask: String
    /// "store" (the store's `sink.{method}.{l}` with the same parameters) or "memory" (detected
    /// for this run, not written).
    public var source: String
    public var sinks: Int
    public var meanPerImage: Double
    public var imagesWithSinks: Int
    /// The threshold applied (calibrated, given or nil).
    public var threshold: Double?
    public var notes: [String]

    enum CodingKeys: String, CodingKey {
        case layer, mask, source, sinks, threshold, notes
        case meanPerImage = "mean_per_image", imagesWithSinks = "images_with_sinks"
    }
}

/// Sink masks of one layer for every detector of a suite, from the store when it holds masks of
/// the same method and parameters at that layer, else detected for this run ("memory": not
/// written), reading the layer block by block (`SinkDetection.mask`).
enum SuiteMasks {
    /// - Returns: mask key → `[N, T]`, and what each mask is.
    static func layer(_ layer: Int, bindings: [GroupBinding], store: StoreReader) throws -> ([String: [UInt8]], [SuiteDetection]) {
        var masks: [String: [UInt8]] = [:]
        var info: [SuiteDetection] = []
        let (n, t) = (store.images.count, store.model.tokens)
        for b in bindings {
            guard let detector = b.detector, let key = b.maskKey, masks[key] == nil else { continue }
            var entry = SuiteDetection(layer: layer, mask: key, source: "memory", sinks: 0, meanPerImage: 0, imagesWithSinks: 0,
                                       threshold: nil, notes: [])
            var values: [UInt8]
            if let set = store.manifest.masks[detector.name], set.layers.contains(layer),
               detector.parameters.allSatisfy({ set.parameters[$0.key] == $0.value }) {
                values = try store.mask(method: detector.name, layer: layer)
                entry.source = "store"
                entry.threshold = set.parameters["tau.\(layer)"].flatMap(Double.init)
            } else if detector.inputs.contains(.received), !store.manifest.receivedLayers.contains(layer) {
                values = [UInt8](repeating: 0, count: n * t)
                entry.notes.append("layer \(layer) has no received attention (the embedding output has no attention), so no \(detector.name) sinks")
            } else {
                // Block by block: the same mask as detecting on the whole layer, without holding it.
                let mask = try SinkDetection.mask(store: store, detector: detector, layer: layer)
                values = mask.values
                entry.threshold = mask.threshold
                entry.notes += mask.notes
            }
            let counts = (0..<n).map { i in values[(i * t)..<((i + 1) * t)].reduce(0) { $0 + Int($1 != 0 ? 1 : 0) } }
            entry.sinks = counts.reduce(0, +)
            entry.meanPerImage = n == 0 ? 0 : Double(entry.sinks) / Double(n)
            entry.imagesWithSinks = counts.filter { $0 > 0 }.count
            masks[key] = values
            info.append(entry)
        }
        return (masks, info)
    }
}
