import Support
import TensorFiles

/// The tensors of the shard being filled, kept as encoded bytes so memory holds at most one
/// shard (f16 hidden states take 2 bytes per value, not the 4 of the Floats they came from).
struct ShardBuffer {
    let model: ModelInfo
    let layers: [Int]
    let hiddenDType: DType
    /// Images the shard will hold when full: the hidden states' byte arrays reserve that much once
    /// (address space only; pages are touched as images are added) instead of growing by copies.
    let capacity: Int
    private(set) var ids: [String] = []
    private var hidden: [[UInt8]]   // one per entry of `layers`
    private var norm: [UInt8] = []
    private var received: [Int: [UInt8]] = [:]
    private var attention: [Int: [UInt8]] = [:]
    private var merged: [UInt8] = []
    private var mergedShape: MergedTokens?
    private var valueNorms: [Int: [UInt8]] = [:]
    private var valueOutputs: [Int: [UInt8]] = [:]
    private var extraHidden: [Int: [UInt8]] = [:]
    private var extraTokens = 0

    init(model: ModelInfo, layers: [Int], hiddenDType: DType, capacity: Int = 1) {
        self.model = model
        self.layers = layers
        self.hiddenDType = hiddenDType
        self.capacity = max(1, capacity)
        hidden = [[UInt8]](repeating: [], count: layers.count)
    }

    var count: Int { ids.count }

    /// Empties the buffer for the next shard but keeps the hidden states' arrays: their pages are
    /// already mapped, so the next shard's images are encoded without page faults.
    mutating func removeAll() {
        var arrays: [[UInt8]] = []
        swap(&arrays, &hidden)   // so each array has one owner and keeps its storage when emptied
        for i in arrays.indices { arrays[i].removeAll(keepingCapacity: true) }
        self = ShardBuffer(model: model, layers: layers, hiddenDType: hiddenDType, capacity: capacity)
        hidden = arrays
    }

    /// Adds one image whose activations were validated by the writer.
    mutating func add(
        _ a: ImageActivations, receivedLayers: [Int], attentionLayers: [Int], merged shape: MergedTokens?,
        valueLayers: [Int] = [], extraTokens: Int = 0, threads: Int = 1
    ) {
        self.extraTokens = extraTokens
        if extraTokens > 0 { for l in layers { extraHidden[l, default: []] += DType.f32.encode(a.extraHidden![l]!) } }
        // Each layer's values are encoded straight into the image's place at the end of the layer's
        // array: no encoded copy per image, and no regrowth (`capacity` was reserved).
        let imageBytes = model.tokens * model.hiddenSize * hiddenDType.byteSize, offset = ids.count * imageBytes
        for i in hidden.indices {
            if hidden[i].capacity < capacity * imageBytes { hidden[i].reserveCapacity(capacity * imageBytes) }
            hidden[i].append(contentsOf: repeatElement(0, count: imageBytes))
        }
        ids.append(a.image.id)
        hidden.withUnsafeMutableBufferPointer { arrays in
            parallelTasks(layers.count, threads: threads) { i in
                arrays[i].withUnsafeMutableBytes { hiddenDType.encode(a.hidden[layers[i]]!, into: $0.baseAddress! + offset) }
            }
        }
        norm += DType.f32.encode(Self.norms(a.hidden, model: model, threads: threads))
        for l in receivedLayers { received[l, default: []] += DType.f32.encode(a.received![l]!) }
        for l in attentionLayers { attention[l, default: []] += DType.f32.encode(a.attention![l]!) }
        if let shape { mergedShape = shape; merged += DType.f32.encode(a.merged!) }
        for l in valueLayers {
            valueNorms[l, default: []] += DType.f32.encode(a.valueNorms![l]!)
            valueOutputs[l, default: []] += DType.f32.encode(a.valueOutputs![l]!)
        }
    }

    /// `[L+1, T]` token L2 norms of one image; rows of layers that were not captured are NaN so
    /// they can never be mistaken for measured values. Layers are spread over `threads` workers.
    static func norms(_ hidden: [Int: [Float]], model: ModelInfo, threads: Int = 1) -> [Float] {
        let t = model.tokens, d = model.hiddenSize
        var out = [Float](repeating: .nan, count: (model.layers + 1) * t)
        let layers = Array(hidden)
        out.withUnsafeMutableBufferPointer { out in
            parallelTasks(layers.count, threads: threads) { i in
                let (l, x) = layers[i]
                x.withUnsafeBufferPointer { x in
                    for token in 0..<t { out[l * t + token] = rowNorm(x.baseAddress! + token * d, width: d) }
                }
            }
        }
        return out
    }

    /// The L2 norm of `width` floats, accumulated in Double (D can be 1024+ and massive activations
    /// reach 1e3) in four independent sums, so the adds do not wait on each other.
    @inline(__always)
    static func rowNorm(_ x: UnsafePointer<Float>, width d: Int) -> Float {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var k = 0
        while k + 4 <= d {
            let a = Double(x[k]), b = Double(x[k + 1]), c = Double(x[k + 2]), e = Double(x[k + 3])
            s0 += a * a; s1 += b * b; s2 += c * c; s3 += e * e
            k += 4
        }
        while k < d { let v = Double(x[k]); s0 += v * v; k += 1 }
        return Float(((s0 + s1) + (s2 + s3)).squareRoot())
    }

    /// The shard's tensors in key order: hidden, norm, received, attn, merged, value_norm, value_out.
    func tensors() throws -> [(name: String, tensor: Tensor)] {
        let n = count, t = model.tokens, d = model.hiddenSize, h = model.heads
        var out: [(name: String, tensor: Tensor)] = []
        for (l, bytes) in zip(layers, hidden) { out.append((StoreKeys.hidden(l), try Tensor(dtype: hiddenDType, shape: [n, t, d], bytes: bytes))) }
        out.append((StoreKeys.norm, try Tensor(dtype: .f32, shape: [n, model.layers + 1, t], bytes: norm)))
        for l in received.keys.sorted() { out.append((StoreKeys.received(l), try Tensor(dtype: .f32, shape: [n, t], bytes: received[l]!))) }
        for l in attention.keys.sorted() { out.append((StoreKeys.attention(l), try Tensor(dtype: .f32, shape: [n, h, t, t], bytes: attention[l]!))) }
        if let s = mergedShape { out.append((StoreKeys.merged, try Tensor(dtype: .f32, shape: [n, s.tokens, s.hiddenSize], bytes: merged))) }
        for l in valueNorms.keys.sorted() { out.append((StoreKeys.valueNorm(l), try Tensor(dtype: .f32, shape: [n, t], bytes: valueNorms[l]!))) }
        for l in valueOutputs.keys.sorted() { out.append((StoreKeys.valueOutput(l), try Tensor(dtype: .f32, shape: [n, t], bytes: valueOutputs[l]!))) }
        for l in extraHidden.keys.sorted() {
            out.append((StoreKeys.extraHidden(l), try Tensor(dtype: .f32, shape: [n, extraTokens, d], bytes: extraHidden[l]!)))
        }
        return out
    }
}
