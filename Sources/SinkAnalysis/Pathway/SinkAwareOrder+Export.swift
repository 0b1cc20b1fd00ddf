import Support
import ActivationStore
import Foundation

/// What `sinkscope pathway export-order` wrote.
public struct SinkAwareOrderSummary: Sendable, Codable, Equatable {
    public var file: String
    public var images: Int
    public var visualTokens: Int
    public var vitLayer: Int
    public var method: String
    public var parameters: [String: String]
    public var sinks: CountSummary
    /// "llm.visual_positions" (LVLM stores) or "patch index" (position ids are the patch indices).
    public var positionIDs: String

    enum CodingKeys: String, CodingKey {
        case file, images, method, parameters, sinks
        case visualTokens = "visual_tokens"
        case vitLayer = "vit_layer"
        case positionIDs = "position_ids"
    }
}

extension SinkAwareOrder {
    /// Finds the ViT sinks of a store's ViT layer and writes the sink-aware orders as safetensors
    /// (atomically): `order.permutation`, `order.inverse`, `order.position_ids` `[n, P]` i64,
    /// `split.sink_mask` `[n, P]` u8, `split.sink_count` `[n]` i64; `__metadata__` holds the format,
    /// the method and its parameters, the layer and the image ids (JSON).
    /// - Parameters:
    ///   - layer: the ViT layer; nil = the LVLM's (`lvlm.vision_layer`), required for other stores.
    public static func export(store: StoreReader, detector: any SinkDetector, layer: Int? = nil, to url: URL) throws -> SinkAwareOrderSummary {
        let info = store.manifest.lvlm != nil ? try store.lvlmInfo() : nil
        guard let l = layer ?? info?.visionLayer else {
            throw PathwayError.invalidParameter(name: "layer", value: "none", expected: "given for a store that was not imported with --lvlm (captured layers: \(store.layers))")
        }
        let vit = try PathwayAnalysis.vitSinks(store: store, layer: l, detector: detector)
        // An LVLM store orders the LLM's visual tokens: a token is a sink when a ViT sink patch feeds it
        // (identical to the patch mask where the LLM sees one token per patch).
        let tokens = info != nil ? try SinkFedTokens(vit: vit, map: store.visualTokenMap()) : nil
        let p = tokens?.tokens ?? store.model.grid[0] * store.model.grid[1]
        let positions = info != nil ? try store.visualPositions().map { Int($0) } : nil
        let order = try SinkAwareOrder(sinkMask: tokens?.mask ?? vit.mask, visualTokens: p, positions: positions)
        let encoder = JSONCoding.encoder(pretty: false)
        let metadata = [
            "format": "sinkscope-token-order", "version": "1", "store": store.url.path, "lvlm": info?.name ?? "",
            "vit_layer": String(l), "method": detector.name,
            "parameters": String(decoding: try encoder.encode(detector.parameters), as: UTF8.self),
            "image_ids": String(decoding: try encoder.encode(store.images.map(\.id)), as: UTF8.self),
            "position_ids": positions == nil ? "patch index" : "llm.visual_positions",
            "tokens": tokens == nil ? "ViT patches" : "LLM visual tokens (sink = fed by a ViT sink patch)",
        ]
        try SafetensorsWriter.write(order.tensors(), metadata: metadata, to: url)
        return SinkAwareOrderSummary(
            file: url.path, images: order.imageCount, visualTokens: p, vitLayer: l, method: detector.name, parameters: detector.parameters,
            sinks: CountSummary(counts: order.sinkCounts), positionIDs: metadata["position_ids"]!)
    }
}
