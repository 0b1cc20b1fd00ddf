import TensorFiles

/// The tensors of the shard being filled, kept as encoded bytes so memory holds at most one
/// shard (f16 hidden states take 2 bytes per value, not the 4 of the Floats they came from).
struct ShardBuffer {
    let model: ModelInfo
    let layers: [Int]
    let hiddenDType: DType
    private(set) var ids: [String] = []
    private var hidden: [Int: [UInt8]] = [:]
    private var norm: [UInt8] = []
    private var received: [Int: [UInt8]] = [:]
    private var attention: [Int: [UInt8]] = [:]
    private var merged: [UInt8] = []
    private var mergedShape: MergedTokens?

    init(model: ModelInfo, layers: [Int], hiddenDType: DType) {
        self.model = model
        self.layers = layers
        self.hiddenDType = hiddenDType
    }

    var count: Int { ids.count }

    /// Adds one image whose activations were validated by the writer.
    mutating func add(_ a: ImageActivations, receivedLayers: [Int], attentionLayers: [Int], merged shape: MergedTokens?) {
        ids.append(a.image.id)
        for l in layers { hidden[l, default: []] += hiddenDType.encode(a.hidden[l]!) }
        norm += DType.f32.encode(Self.norms(a.hidden, model: model))
        for l in receivedLayers { received[l, default: []] += DType.f32.encode(a.received![l]!) }
        for l in attentionLayers { attention[l, default: []] += DType.f32.encode(a.attention![l]!) }
        if let shape { mergedShape = shape; merged += DType.f32.encode(a.merged!) }
    }

    /// `[L+1, T]` token L2 norms of one image; rows of layers that were not captured are NaN so
    /// they can never be mistaken for measured values.
    static func norms(_ hidden: [Int: [Float]], model: ModelInfo) -> [Float] {
        let t = model.tokens, d = model.hiddenSize
        var out = [Float](repeating: .nan, count: (model.layers + 1) * t)
        for (l, x) in hidden {
            for token in 0..<t {
                // Accumulate in Double: D can be 1024+ and massive activations reach 1e3.
                var sum = 0.0
                for k in 0..<d { let v = Double(x[token * d + k]); sum += v * v }
                out[l * t + token] = Float(sum.squareRoot())
            }
        }
        return out
    }

    /// The shard's tensors in key order: hidden, norm, received, attn, merged.
    func tensors() throws -> [(name: String, tensor: Tensor)] {
        let n = count, t = model.tokens, d = model.hiddenSize, h = model.heads
        var out: [(name: String, tensor: Tensor)] = []
        for l in layers { out.append((StoreKeys.hidden(l), try Tensor(dtype: hiddenDType, shape: [n, t, d], bytes: hidden[l] ?? []))) }
        out.append((StoreKeys.norm, try Tensor(dtype: .f32, shape: [n, model.layers + 1, t], bytes: norm)))
        for l in received.keys.sorted() { out.append((StoreKeys.received(l), try Tensor(dtype: .f32, shape: [n, t], bytes: received[l]!))) }
        for l in attention.keys.sorted() { out.append((StoreKeys.attention(l), try Tensor(dtype: .f32, shape: [n, h, t, t], bytes: attention[l]!))) }
        if let s = mergedShape { out.append((StoreKeys.merged, try Tensor(dtype: .f32, shape: [n, s.tokens, s.hiddenSize], bytes: merged))) }
        return out
    }
}
