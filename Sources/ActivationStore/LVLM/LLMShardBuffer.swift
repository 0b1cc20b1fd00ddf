import TensorFiles

/// The LLM tensors of the shard being filled (encoded bytes, like `ShardBuffer`), written as
/// `llm-{shard}.safetensors` beside the ViT shard that holds the same images.
struct LLMShardBuffer {
    let patches: Int, dim: Int
    let hiddenLayers: [Int], receivedLayers: [Int]
    let hiddenDType: DType
    private(set) var count = 0
    private var hidden: [Int: [UInt8]] = [:]
    private var received: [Int: [UInt8]] = [:]
    private var positions: [Int64] = []
    private var lengths: [Int64] = []
    private var queries: [Int64] = []
    /// M (0: no map) and the decoded layers with top-K (empty: none).
    var mapWidth = 0
    var decodedLayers: [Int] = [], topK = 0
    private var tokenPatches: [Int64] = []
    private var decodedIDs: [Int: [Int64]] = [:]
    private var decodedProbs: [Int: [UInt8]] = [:]

    init(patches: Int, dim: Int, hiddenLayers: [Int], receivedLayers: [Int], hiddenDType: DType) {
        (self.patches, self.dim, self.hiddenLayers, self.receivedLayers, self.hiddenDType) = (patches, dim, hiddenLayers, receivedLayers, hiddenDType)
    }

    /// One image: hidden `l → [P*Dm]`, received `l → [P]`, its positions `[P]`, S and the query count.
    mutating func add(hidden h: [Int: [Float]], received r: [Int: [Float]], positions p: ArraySlice<Int>, length: Int, queryCount: Int) {
        for l in hiddenLayers { hidden[l, default: []] += hiddenDType.encode(h[l]!) }
        for l in receivedLayers { received[l, default: []] += DType.f32.encode(r[l]!) }
        positions += p.map(Int64.init)
        lengths.append(Int64(length))
        queries.append(Int64(queryCount))
        count += 1
    }

    /// One image's map `[K * M]` and decoded words `l → ([K * topK] ids, probabilities)`; call after `add`.
    mutating func addExtras(tokenPatches t: [Int], decoded: [Int: (ids: [Int64], probs: [Float])]) {
        if mapWidth > 0 { tokenPatches += t.map(Int64.init) }
        for l in decodedLayers {
            decodedIDs[l, default: []] += decoded[l]!.ids
            decodedProbs[l, default: []] += DType.f32.encode(decoded[l]!.probs)
        }
    }

    /// The shard's tensors: hidden, received, then the position map and sequence bookkeeping.
    func tensors() throws -> [(name: String, tensor: Tensor)] {
        let n = count
        var out: [(name: String, tensor: Tensor)] = []
        for l in hiddenLayers {
            out.append((StoreKeys.llmHidden(l), try Tensor(dtype: hiddenDType, shape: [n, patches, dim], bytes: hidden[l] ?? [])))
        }
        for l in receivedLayers {
            out.append((StoreKeys.llmReceived(l), try Tensor(dtype: .f32, shape: [n, patches], bytes: received[l] ?? [])))
        }
        out.append((StoreKeys.llmVisualPositions, Tensor(int64s: positions, shape: [n, patches])))
        out.append((StoreKeys.llmSequenceLength, Tensor(int64s: lengths, shape: [n])))
        out.append((StoreKeys.llmQueryCount, Tensor(int64s: queries, shape: [n])))
        if mapWidth > 0 { out.append((StoreKeys.llmTokenPatches, Tensor(int64s: tokenPatches, shape: [n, patches, mapWidth]))) }
        for l in decodedLayers {
            out.append((StoreKeys.llmDecodedIDs(l), Tensor(int64s: decodedIDs[l] ?? [], shape: [n, patches, topK])))
            out.append((StoreKeys.llmDecodedProbs(l), try Tensor(dtype: .f32, shape: [n, patches, topK], bytes: decodedProbs[l] ?? [])))
        }
        return out
    }
}
