// Shape letters: D hidden, I MLP width, C channels, P patch size, G0 trained patch grid side, R registers.

extension VisionTransformer {
    /// Builds a model from a family's description and weight map: reads, in the order of the forward,
    /// every tensor the description needs under the name the map gives, and checks each shape.
    ///
    /// No tensor is transformed except by layout: the conv weight is read as a [D, C·P·P] matrix (same
    /// bytes), and q | k | v and gate | up are stacked (`LinearStack`). Weight matrices of an F32
    /// checkpoint are read in place from its mapping (`ParameterValues`); the rest is copied as f32.
    /// - Throws: `ModelError.badConfig` for a description the forward cannot hold, `.missingWeight`
    ///   (listing the names that exist) or `.wrongShape`.
    public init(description spec: ArchitectureDescription, weights: ModelWeights, map: WeightMap) throws {
        try spec.validate(source: weights.source)
        let read = WeightReader(weights: weights, map: map)
        let d = spec.hiddenSize, c = spec.channels, p = spec.patchSize, g0 = spec.trainedGrid
        let embedding = spec.embedding, prefix = embedding.prefix

        // Read in HF's order (class token, registers, patches, positions, pre-norm), so that of several
        // missing tensors the first in the checkpoint's order is reported.
        let cls = prefix.cls == 1 ? try read.tensor(.embed(.cls), shape: [d]) : nil
        let registers = prefix.registers > 0 ? try read.tensor(.embed(.registers), shape: [prefix.registers, d]) : nil
        let patch: LinearWeights
        switch embedding.patch {
        case .conv2d(let bias):
            patch = try read.linear(.embed(.patch(.weight)), .embed(.patch(.bias)), shape: [d, c, p, p], bias: bias)
        case .conv3d(let tp, let bias):
            patch = try read.linear(.embed(.patch(.weight)), .embed(.patch(.bias)), shape: [d, c, tp, p, p], bias: bias)
        }
        let positions: [Float]?
        switch embedding.positions {
        case .absolute, .interpolated, .interpolatedAntialiased: positions = try read.tensor(.embed(.positions), shape: [prefix.cls + g0 * g0, d])
        case .rotary2D: positions = nil
        }
        let embeddings = EmbeddingWeights(
            cls: cls, registers: registers, patch: patch, positions: positions, positionGrid: g0,
            preNorm: try embedding.preNorm.map { try read.norm($0.kind, { .embed(.preNorm($0)) }, width: d) })

        let blocks = try (0..<spec.layers).map { try read.block($0, spec) }
        let finalNorm = try spec.finalNorm.map { try read.norm($0.kind, { .finalNorm($0) }, width: d) }
        self.init(spec: spec, embeddings: embeddings, blocks: blocks, finalNorm: finalNorm)
    }
}

/// Reads structural parameters through a family's `WeightMap`.
private struct WeightReader {
    let weights: ModelWeights
    let map: WeightMap
    /// Fused tensors read so far, by checkpoint name: q, k and v are row blocks of one `attn.qkv`, and
    /// reading the tensor once gives the three one storage (so `LinearStack` joins them in place)
    /// instead of converting a BF16 tensor three times and keeping three f32 copies of it.
    private let fused = FusedTensors()

    /// The tensor `name` maps to, checked against the structural `shape` with the map's leading 1s,
    /// as an array (norms, biases, embeddings: small, so the copy out of `parameter` costs nothing).
    func tensor(_ name: ParameterName, shape: [Int]) throws -> [Float] { try parameter(name, shape: shape).array }

    func norm(_ kind: NormKind, _ name: (ParameterPart) -> ParameterName, width d: Int) throws -> NormWeights {
        switch kind {
        case .layerNorm: return .layerNorm(gamma: try tensor(name(.weight), shape: [d]), beta: try tensor(name(.bias), shape: [d]))
        case .rmsNorm: return .rmsNorm(gamma: try tensor(name(.weight), shape: [d]))
        }
    }

    /// A weight matrix: like `tensor`, but read in place from a mapped F32 checkpoint when it can be
    /// (`ParameterValues`), a row block of a fused tensor included.
    func parameter(_ name: ParameterName, shape: [Int]) throws -> ParameterValues {
        guard let stored = map.tensor(name) else {
            throw ModelError.badConfig(path: weights.source, reason: "the family's weight map has no checkpoint name for \(name)")
        }
        if let rows = stored.rows {
            // A row block of a fused tensor: the stored tensor is [k, ...shape.dropFirst()] with k ≥ rows.upperBound.
            let total = weights.shape(of: stored.name)?.first ?? 0
            let whole: ParameterValues
            if let read = fused.values[stored.name] {
                whole = read
            } else {
                whole = try weights.parameter(stored.name, shape: [max(total, rows.upperBound)] + shape.dropFirst())
                fused.values[stored.name] = whole
            }
            guard rows.count == shape[0] else {
                throw ModelError.badConfig(path: weights.source, reason: "\(name) takes rows \(rows) of \(stored.name), expected \(shape[0]) rows")
            }
            let width = shape.dropFirst().reduce(1, *)
            guard whole.count == max(total, rows.upperBound) * width else {
                throw ModelError.wrongShape(name: stored.name, source: weights.source, expected: [max(total, rows.upperBound)] + shape.dropFirst(),
                                            actual: weights.shape(of: stored.name) ?? [])
            }
            return whole.rows(rows, width: width)
        }
        return try weights.parameter(stored.name, shape: Array(repeating: 1, count: stored.leadingOnes) + shape)
    }

    /// A linear map with weight of `shape` [outputs, ...inputs] (a conv weight is read as [outputs, Π inputs]).
    func linear(_ weight: ParameterName, _ bias: ParameterName, shape: [Int], bias hasBias: Bool) throws -> LinearWeights {
        let outputs = shape[0]
        return LinearWeights(
            weight: try parameter(weight, shape: shape), bias: hasBias ? try tensor(bias, shape: [outputs]) : nil,
            outputs: outputs, inputs: shape.dropFirst().reduce(1, *))
    }

    func linear(block b: Int, _ module: ParameterName.BlockParameter, outputs: Int, inputs: Int, bias: Bool) throws -> LinearWeights {
        try linear(.block(b, module, .weight), .block(b, module, .bias), shape: [outputs, inputs], bias: bias)
    }

    func block(_ b: Int, _ spec: ArchitectureDescription) throws -> EncoderBlockWeights {
        let d = spec.hiddenSize, i = spec.intermediateSize, block = spec.block, biases = block.biases
        let norm1 = try norm(block.norm.kind, { .block(b, .norm1, $0) }, width: d)
        let qkv = LinearStack(try [ParameterName.BlockParameter.query, .key, .value].map {
            try linear(block: b, $0, outputs: d, inputs: d, bias: $0 == .key ? biases.key ?? biases.qkv : biases.qkv)
        })
        let queryNorm = try block.qkNorm.map { try norm($0.kind, { .block(b, .queryNorm, $0) }, width: d) }
        let keyNorm = try block.qkNorm.map { try norm($0.kind, { .block(b, .keyNorm, $0) }, width: d) }
        let attentionOutput = try linear(block: b, .attentionOutput, outputs: d, inputs: d, bias: biases.attentionOutput)
        let layerScale1 = block.layerScale ? try tensor(.block(b, .layerScale1, .weight), shape: [d]) : nil
        let norm2 = try norm(block.norm.kind, { .block(b, .norm2, $0) }, width: d)
        let fc1: LinearStack
        switch block.mlp {
        case .plain: fc1 = LinearStack([try linear(block: b, .fc1, outputs: i, inputs: d, bias: biases.mlp)])
        case .gated:
            fc1 = LinearStack([
                try linear(block: b, .gate, outputs: i, inputs: d, bias: biases.mlp),
                try linear(block: b, .fc1, outputs: i, inputs: d, bias: biases.mlp),
            ])
        }
        let fc2 = try linear(block: b, .fc2, outputs: d, inputs: i, bias: biases.mlp)
        let layerScale2 = block.layerScale ? try tensor(.block(b, .layerScale2, .weight), shape: [d]) : nil
        return EncoderBlockWeights(
            norm1: norm1, qkv: qkv, queryNorm: queryNorm, keyNorm: keyNorm, attentionOutput: attentionOutput,
            layerScale1: layerScale1, norm2: norm2, fc1: fc1, fc2: fc2, layerScale2: layerScale2)
    }
}

/// The fused tensors one model's loading has read (`WeightReader`); used on one thread.
private final class FusedTensors {
    var values: [String: ParameterValues] = [:]
}
