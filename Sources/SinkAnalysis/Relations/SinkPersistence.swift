import Foundation

/// How sinks persist through depth: for consecutive captured layers l < l', the share of sink
/// positions (image, token) at l that are still sinks at l'; and the first layer with any sink.
///
///     let p = try SinkPersistence(method: "relative", masks: [(0, m0), (4, m4), (8, m8)])
///     p.firstSinkLayer        // 4
///     p.transitions[1].share  // |S₄ ∩ S₈| / |S₄|
public struct SinkPersistence: Sendable, Codable, Equatable {
    /// One step between consecutive captured layers.
    public struct Transition: Sendable, Codable, Equatable {
        public var from: Int
        public var to: Int
        public var sinksFrom: Int
        public var sinksTo: Int
        /// Positions that are sinks at both layers.
        public var kept: Int
        /// kept / sinksFrom; nil when layer `from` has no sinks.
        public var share: Double?
    }

    public var method: String
    /// Sinks per layer, in layer order.
    public var sinksPerLayer: [LayerCount]
    /// The first layer with at least one sink, nil when no layer has one.
    public var firstSinkLayer: Int?
    public var transitions: [Transition]

    public struct LayerCount: Sendable, Codable, Equatable {
        public var layer: Int
        public var sinks: Int
    }

    /// - Parameter masks: `(layer, [n, T] mask)` pairs in any order, all of the same length.
    /// - Throws: `.tooFewLayers` for fewer than two layers, `.maskShapeMismatch` for unequal lengths.
    public init(method: String, masks: [(layer: Int, mask: [UInt8])]) throws {
        guard masks.count >= 2 else { throw DetectionError.tooFewLayers(what: "Sink persistence", count: masks.count) }
        let sorted = masks.sorted { $0.layer < $1.layer }
        let length = sorted[0].mask.count
        if let bad = sorted.first(where: { $0.mask.count != length }) {
            throw DetectionError.maskShapeMismatch(what: "mask of layer \(bad.layer)", expected: [length], actual: [bad.mask.count])
        }
        self.method = method
        sinksPerLayer = sorted.map { m in LayerCount(layer: m.layer, sinks: m.mask.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }) }
        firstSinkLayer = sinksPerLayer.first { $0.sinks > 0 }?.layer
        transitions = zip(sorted, sorted.dropFirst()).map { a, b in
            var kept = 0, from = 0, to = 0
            for i in 0..<length {
                if a.mask[i] != 0 { from += 1 }
                if b.mask[i] != 0 { to += 1 }
                if a.mask[i] != 0 && b.mask[i] != 0 { kept += 1 }
            }
            return Transition(from: a.layer, to: b.layer, sinksFrom: from, sinksTo: to, kept: kept,
                              share: from > 0 ? Double(kept) / Double(from) : nil)
        }
    }
}
