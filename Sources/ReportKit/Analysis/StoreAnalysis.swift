import ActivationStore
import Foundation
import LinearAlgebra
import SinkAnalysis

/// The numbers a report or a comparison draws from one store, computed in two passes over the
/// chosen layers: first, one layer at a time, the sink masks (`[n, T]`, 1 byte a token, kept) and
/// the summaries of norms and received attention (read, summarised, dropped), then hidden states of a token subsample for CKA and,
/// at the focus layer, of the sampled images for PCA.
struct StoreAnalysis: Sendable {
    let store: StoreReader
    /// Chosen layers, ascending.
    let layers: [Int]
    let source: SinkSource
    /// One per layer of `layers`.
    var results: [LayerResult] = []
    var sample: TokenSample
    /// Unit-norm centred Gram matrices of the sampled tokens, one per layer (nil: undefined).
    var grams: [[Double]?] = []
    /// The layer of the PCA and norm-vs-attention scatters.
    var focusLayer: Int = 0
    /// `[s, T, D]` hidden states of `sample.images` at `focusLayer`, when asked for.
    var focusHidden: [Float]?
    /// Images per block where a layer is read block by block (nil: about `SinkDetection.blockBytes`
    /// of hidden states); results do not depend on it.
    var blockImages: Int?
    var blockSize: Int { blockImages ?? store.imagesFitting(bytes: SinkDetection.blockBytes) }

    var model: ModelInfo { store.model }
    var n: Int { store.images.count }
    var t: Int { model.tokens }
    var p: Int { min(model.prefixTokens, t) }
    /// Register tokens: the last of the `p` prefix tokens (0 when the model has none).
    var registers: Int { min(max(model.registers, 0), p) }

    func result(_ layer: Int) -> LayerResult? { results.first { $0.layer == layer } }

    /// Checks the requested layers against the store (all captured layers when nil).
    static func chooseLayers(_ requested: [Int]?, store: StoreReader) throws -> [Int] {
        guard !store.images.isEmpty else { throw ReportError.emptyStore(store: store.url.path) }
        let chosen = requested ?? store.layers
        if let bad = chosen.first(where: { !store.layers.contains($0) }) {
            throw ReportError.unknownLayer(store: store.url.path, layer: bad, available: store.layers)
        }
        guard !chosen.isEmpty else {
            throw ReportError.invalidOption(name: "--layers", value: "", expected: "at least one captured layer")
        }
        return Array(Set(chosen)).sorted()
    }

    init(store: StoreReader, layers: [Int], source: SinkSource, sample: TokenSample) {
        self.store = store
        self.layers = layers
        self.source = source
        self.sample = sample
    }

    /// Pass 1: masks and summaries of every layer. `step` is called once per layer.
    mutating func loadLayers(step: () -> Void) throws {
        results = []
        for l in layers {
            do {
                results.append(try LayerResult.load(store: store, layer: l, source: source, blockImages: blockImages))
            } catch let e as ReportError {
                throw e
            } catch {
                throw ReportError.analysisFailed(store: store.url.path, step: "reading layer \(l)", reason: "\(error)")
            }
            step()
        }
    }

    /// The layer with the most sinks (the deeper one on a tie), else the last layer.
    var busiestLayer: Int {
        let best = results.max { a, b in a.totalSinks != b.totalSinks ? a.totalSinks < b.totalSinks : a.layer < b.layer }
        return (best?.totalSinks ?? 0) > 0 ? best!.layer : layers.last ?? 0
    }

    /// Pass 2: Gram matrices of the token sample at every layer, and the focus layer's hidden
    /// states. `step` is called once per layer.
    mutating func loadRepresentations(focus: Int?, keepFocus: Bool, step: () -> Void) throws {
        focusLayer = focus ?? busiestLayer
        grams = []
        let d = model.hiddenSize
        for l in layers {
            do {
                let hidden = try store.hidden(layer: l, images: sample.images)
                grams.append(CKAMatrix.normalizedGram(sample.rows(of: hidden, hiddenSize: d)))
                if keepFocus && l == focusLayer { focusHidden = hidden }
            } catch {
                throw ReportError.analysisFailed(store: store.url.path, step: "reading hidden states of layer \(l)", reason: "\(error)")
            }
            step()
        }
    }

    /// Unit-norm centred Gram matrices of `sample`'s tokens at each of `layers` (nil: undefined),
    /// reading only the sampled images' hidden states. `step` is called once per layer.
    static func grams(store: StoreReader, layers: [Int], sample: TokenSample, step: () -> Void) throws -> [[Double]?] {
        try layers.map { l in
            defer { step() }
            do {
                let hidden = try store.hidden(layer: l, images: sample.images)
                return CKAMatrix.normalizedGram(sample.rows(of: hidden, hiddenSize: store.model.hiddenSize))
            } catch {
                throw ReportError.analysisFailed(store: store.url.path, step: "reading hidden states of layer \(l)", reason: "\(error)")
            }
        }
    }

    /// Unit-norm centred Gram matrices of one vector per image — the mean of its T token states —
    /// at each of `layers`, for comparing stores whose token layouts differ.
    static func imageGrams(store: StoreReader, layers: [Int], images: [Int], step: () -> Void) throws -> [[Double]?] {
        let t = store.model.tokens, d = store.model.hiddenSize
        return try layers.map { l in
            defer { step() }
            let hidden: [Float]
            do { hidden = try store.hidden(layer: l, images: images) } catch {
                throw ReportError.analysisFailed(store: store.url.path, step: "reading hidden states of layer \(l)", reason: "\(error)")
            }
            var x = Matrix(zeros: images.count, d)
            for i in 0..<images.count {
                for k in 0..<t { for j in 0..<d { x.values[i * d + j] += hidden[(i * t + k) * d + j] } }
                for j in 0..<d { x.values[i * d + j] /= Float(t) }
            }
            return CKAMatrix.normalizedGram(x)
        }
    }

    /// Sink persistence between consecutive chosen layers (nil for a single layer).
    func persistence() throws -> SinkPersistence? {
        guard results.count >= 2 else { return nil }
        return try SinkPersistence(method: source.method, masks: results.map { (layer: $0.layer, mask: $0.mask) })
    }
}
