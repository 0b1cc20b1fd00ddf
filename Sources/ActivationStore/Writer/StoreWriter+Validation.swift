import Support
import TensorFiles

extension StoreWriter {
    /// Checks one image against the model's T, D, H and the captured layers.
    func validate(_ a: ImageActivations) throws {
        let model = modelInfo
        let id = a.image.id
        func bad(_ problem: String) -> StoreError { .invalidActivations(image: id, problem: problem) }
        guard !id.isEmpty else { throw bad("the image id is empty") }
        guard !storedImageIDs.contains(id) else { throw StoreError.duplicateImage(id: id) }
        let t = model.tokens, d = model.hiddenSize
        guard Set(a.hidden.keys) == Set(capturedLayers) else {
            throw bad("hidden states are given for layers \(a.hidden.keys.sorted()) but the store captures \(capturedLayers)")
        }
        for (l, x) in a.hidden {
            guard x.count == t * d else { throw bad("hidden.\(l) has \(x.count) values, expected T×D = \(t)×\(d) = \(t * d)") }
        }
        if hiddenDType == .f16 {
            let layers = a.hidden.keys.sorted()
            var beyond = [Float?](repeating: nil, count: layers.count)
            beyond.withUnsafeMutableBufferPointer { out in
                parallelTasks(layers.count, threads: encodingThreads) { i in
                    out[i] = a.hidden[layers[i]]!.first(where: { abs($0) > 65504 && $0.isFinite })
                }
            }
            if let i = beyond.firstIndex(where: { $0 != nil }) {
                throw bad("hidden.\(layers[i]) holds \(beyond[i]!), beyond the f16 range ±65504; store hidden states as f32")
            }
        }
        for (l, r) in a.received ?? [:] {
            guard (0...model.layers).contains(l) else { throw bad("received attention for layer \(l) is outside 0...\(model.layers)") }
            guard r.count == t else { throw bad("received.\(l) has \(r.count) values, expected T = \(t)") }
        }
        if let m = a.merged {
            guard let s = mergedShape else { throw bad("merged tokens are given but the writer has no mergedShape") }
            guard m.count == s.tokens * s.hiddenSize else {
                throw bad("merged has \(m.count) values, expected M×D_llm = \(s.tokens)×\(s.hiddenSize) = \(s.tokens * s.hiddenSize)")
            }
        }
        for (name, tensors) in [("value_norm", a.valueNorms), ("value_out", a.valueOutputs)] {
            for (l, v) in tensors ?? [:] {
                guard (1...max(model.layers, 1)).contains(l) else { throw bad("\(name).\(l) is outside the blocks' layers 1...\(model.layers)") }
                guard v.count == t else { throw bad("\(name).\(l) has \(v.count) values, expected T = \(t)") }
            }
        }
        if (a.valueNorms.map { $0.keys.sorted() } ?? []) != (a.valueOutputs.map { $0.keys.sorted() } ?? []) {
            throw bad("value_norm and value_out are given for different layers")
        }
        if keepAttention {
            let h = model.heads
            for (l, x) in a.attention ?? [:] {
                guard (0...model.layers).contains(l) else { throw bad("attention for layer \(l) is outside 0...\(model.layers)") }
                guard h > 0, x.count == h * t * t else { throw bad("attn.\(l) has \(x.count) values, expected H×T×T = \(h)×\(t)×\(t)") }
            }
        }
    }

    /// Every image of a store carries the same optional tensors as the first one.
    func checkOptionalLayers(_ a: ImageActivations) throws {
        guard (a.merged != nil) == storesMerged else {
            throw StoreError.invalidActivations(image: a.image.id, problem: !storesMerged
                ? "merged tokens are given but the store holds none" : "merged tokens are missing but the store holds them")
        }
        let received = a.received.map { $0.keys.sorted() } ?? []
        guard received == receivedLayers else {
            throw StoreError.invalidActivations(image: a.image.id, problem: "received attention is given for layers \(received) but the store holds it for \(receivedLayers)")
        }
        let e = extraTokens, d = modelInfo.hiddenSize
        if e > 0 || a.extraHidden != nil {
            guard let extra = a.extraHidden, Set(extra.keys) == Set(capturedLayers), extra.values.allSatisfy({ $0.count == e * d }) else {
                throw StoreError.invalidActivations(image: a.image.id, problem: "the store holds \(e) extra tokens for layers \(capturedLayers) but the image gives \(a.extraHidden.map { "\($0.count) layers of them" } ?? "none")")
            }
        }
        let values = a.valueNorms.map { $0.keys.sorted() } ?? []
        guard values == valueLayers else {
            throw StoreError.invalidActivations(image: a.image.id, problem: "value norms are given for layers \(values) but the store holds them for \(valueLayers)")
        }
        if keepAttention {
            let attention = a.attention.map { $0.keys.sorted() } ?? []
            guard attention == attentionLayers else {
                throw StoreError.invalidActivations(image: a.image.id, problem: "attention is given for layers \(attention) but the store holds it for \(attentionLayers)")
            }
        }
    }

    static func checkCompatible(_ m: Manifest, model: ModelInfo, layers: [Int], hiddenDType: DType, keepAttention: Bool, path: String) throws {
        guard m.model == model else { throw StoreError.incompatibleResume(path: path, problem: "it holds model '\(m.model.name)' with a different description") }
        guard m.capturedLayers == layers else { throw StoreError.incompatibleResume(path: path, problem: "it captures layers \(m.capturedLayers), not \(layers)") }
        guard m.hiddenDType == hiddenDType else { throw StoreError.incompatibleResume(path: path, problem: "it stores hidden states as \(m.hiddenDType.rawValue), not \(hiddenDType.rawValue)") }
        guard !(m.hasAttention && !keepAttention) else {
            throw StoreError.incompatibleResume(path: path, problem: "it keeps whole attention maps, so the appended images must keep them too")
        }
    }
}
