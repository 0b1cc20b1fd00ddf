import ActivationStore
import Foundation

/// Relations between sink masks stored in a store, as library results for reports.
///
///     let store = try StoreReader(url: url)
///     let agreement = try SinkRelations.agreement(store: store, methods: ("norm", "attention"))
///     let persistence = try SinkRelations.persistence(store: store, method: "relative")
///     let relation = try SinkRelations.normAttention(store: store, mask: "relative")
///     let dims = try SinkRelations.sinkDimensions(store: store, method: "relative")
public enum SinkRelations {
    /// Jaccard agreement of two methods on every layer both have masks for (or on `layers`).
    public static func agreement(store: StoreReader, methods: (String, String), layers: [Int]? = nil) throws -> AgreementReport {
        let chosen = try maskLayers(store, methods.0, layers).filter { try maskLayers(store, methods.1, nil).contains($0) }
        let rows = try chosen.map { l in
            try MaskAgreement(layer: l, try store.mask(method: methods.0, layer: l), try store.mask(method: methods.1, layer: l))
        }
        return AgreementReport(methodA: methods.0, methodB: methods.1, layers: rows)
    }

    /// Persistence of one method's sinks across its layers.
    public static func persistence(store: StoreReader, method: String, layers: [Int]? = nil) throws -> SinkPersistence {
        let masks = try maskLayers(store, method, layers).map { (layer: $0, mask: try store.mask(method: method, layer: $0)) }
        return try SinkPersistence(method: method, masks: masks)
    }

    /// Norm vs received attention on every layer with received attention; with `mask`, also the mean
    /// received attention of that method's sinks and non-sinks.
    public static func normAttention(store: StoreReader, mask method: String? = nil, layers: [Int]? = nil) throws -> [NormAttentionRelation] {
        let withReceived = store.manifest.receivedLayers
        guard !withReceived.isEmpty else {
            throw DetectionError.noReceived(in: store, layer: layers?.first ?? store.layers.first ?? 0, method: "norm–attention relation")
        }
        let chosen = layers ?? withReceived
        return try chosen.map { l in
            guard withReceived.contains(l) else {
                throw DetectionError.missingReceived(source: store.url.path, layer: l, method: "norm–attention relation")
            }
            let mask = try method.map { try store.mask(method: $0, layer: l) }
            return try NormAttentionRelation(
                layer: l, norms: try store.norms(layer: l), received: try store.received(layer: l), mask: mask,
                tokenCount: store.model.tokens, prefixTokens: store.model.prefixTokens)
        }
    }

    /// Sink-dimension discovery from one method's masks across its layers.
    public static func sinkDimensions(
        store: StoreReader, method: String, layers: [Int]? = nil, discovery: SinkDimensionDiscovery = SinkDimensionDiscovery()
    ) throws -> SinkDimensionDiscovery.Report {
        let model = store.model
        // Block by block: the same sums in the same order as ranking the whole layer at once.
        let perLayer = try maskLayers(store, method, layers).map { l in
            var sums = SinkDimensionDiscovery.Sums(hiddenSize: model.hiddenSize)
            try store.forEachBlock(maxImages: store.imagesFitting(bytes: SinkDetection.blockBytes)) { block in
                sums.add(hidden: try block.hidden(layer: l), mask: try block.mask(method: method, layer: l)[...],
                         tokenCount: model.tokens, prefixTokens: model.prefixTokens)
            }
            return sums.ranked(layer: l, top: discovery.top)
        }
        return discovery.summarize(method: method, perLayer)
    }

    /// Layers that have a mask of `method` (all of them, or the requested ones, each checked).
    static func maskLayers(_ store: StoreReader, _ method: String, _ layers: [Int]?) throws -> [Int] {
        guard let set = store.manifest.masks[method] else {
            throw DetectionError.missingMask(source: store.url.path, method: method, layer: nil, available: store.maskMethods)
        }
        let chosen = layers ?? set.layers
        if let bad = chosen.first(where: { !set.layers.contains($0) }) {
            throw DetectionError.missingMask(source: store.url.path, method: method, layer: bad, available: store.maskMethods)
        }
        return chosen.sorted()
    }
}
