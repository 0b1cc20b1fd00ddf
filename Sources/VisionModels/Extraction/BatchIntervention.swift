import ActivationStore

/// A change to the forward that `Extractor` applies batch by batch (`sinkscope intervene`): each
/// batch first runs clean, the intervention picks its tokens from that clean pass (detected sinks
/// differ per image and layer) and returns hooks, the batch runs again with them into the store, and
/// the intervention sees both runs (to measure its effects).
public protocol BatchIntervention: AnyObject, Sendable {
    /// Checks the model before any image is read (e.g. `registers` on a tower without registers).
    func prepare(model: VisionTransformer, tokens: Int) throws
    /// What the clean pass keeps (for the selection and the effects).
    var cleanCapture: CaptureRequest { get }
    /// What the intervened pass must keep besides what the store asks for (for the effects).
    var intervenedCapture: CaptureRequest { get }
    /// The hooks of the intervened pass of `batch`.
    func hooks(batch: [ImageEntry], clean: [ImageCapture]) throws -> ForwardHooks
    /// Sees the clean and the intervened captures of `batch`.
    func observe(batch: [ImageEntry], clean: [ImageCapture], intervened: [ImageCapture]) throws
}

extension CaptureRequest {
    /// Everything either request keeps.
    func union(_ other: CaptureRequest) -> CaptureRequest {
        CaptureRequest(
            hiddenLayers: hiddenLayers.union(other.hiddenLayers), received: received || other.received,
            attentionLayers: attentionLayers.union(other.attentionLayers), finalLayerNorm: finalLayerNorm || other.finalLayerNorm,
            merged: merged || other.merged)
    }
}
