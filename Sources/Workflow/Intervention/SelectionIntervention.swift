import ActivationStore
import Foundation
import SinkAnalysis
import VisionModels

// Shape letters: n images, T tokens, D hidden, L blocks; l a store layer (0 = embeddings).

/// The `BatchIntervention` behind `sinkscope intervene`: selects the tokens of each batch (from its
/// clean pass for `sinks:`), builds a `TokenIntervention`'s hooks and accumulates the effects.
final class SelectionIntervention: BatchIntervention, @unchecked Sendable {
    let kind: InterventionKind
    let selector: TokenSelector
    private(set) var layers: [Int]
    /// The detector of `sinks:METHOD`, and of the "other sinks" the freed attention may go to.
    let detector: (any SinkDetector)?
    private let allLayers: Bool
    private var spec: ArchitectureDescription?
    private var tokenCount = 0
    private var fixed: [Int]?
    private var sums: [Int: LayerSums] = [:]
    private var final = FinalSums()
    private(set) var imageCount = 0
    /// `.testTimeRegister`: the neuron ranking, the model's name (as the store records it) and the file's path.
    var neurons: (ranking: NeuronRanking, model: String, path: String)?
    /// `.testTimeRegister`: store layer → the register neurons moved at it.
    private var neuronLayers: [Int: [Int]] = [:]

    /// - Parameter layers: store layers to act at; nil for every layer the kind can act at (knockout: 1...L).
    init(kind: InterventionKind, selector: TokenSelector, layers: [Int]?, detector: (any SinkDetector)?) {
        self.kind = kind
        self.selector = selector
        self.layers = layers ?? []
        self.allLayers = layers == nil
        self.detector = detector
    }

    func prepare(model: VisionTransformer, tokens: Int) throws {
        let spec = model.spec
        self.spec = spec
        tokenCount = tokens
        if kind == .testTimeRegister { return try prepareTestTimeRegister(spec) }
        if allLayers { layers = Array((kind == .knockout ? 1 : 0)...spec.layers) }
        for l in layers where !(0...spec.layers).contains(l) {
            throw InterventionError.layerOutOfRange(layer: l, layers: spec.layers, architecture: spec.architecture)
        }
        if kind == .knockout, layers.contains(0) { throw InterventionError.noAttentionAtLayer0 }
        fixed = try selector.fixedTokens(prefix: spec.embedding.prefix, tokens: tokens, architecture: spec.architecture)
        if fixed == nil, detector == nil { throw InterventionError.badSelector(selector.description) }
    }

    /// Test-time registers act at the neuron file's layers (or the `--at` ones, each of which must have neurons).
    private func prepareTestTimeRegister(_ spec: ArchitectureDescription) throws {
        guard let neurons else {
            throw InterventionError.neuronsOptionMismatch("--do test-time-register needs --neurons FILE (the JSON of 'sinkscope neurons --json').")
        }
        let byLayer = try neurons.ranking.neuronsByLayer(for: spec, model: neurons.model, path: neurons.path)
        if allLayers { layers = byLayer.keys.sorted() }
        for l in layers where !(0...spec.layers).contains(l) {
            throw InterventionError.layerOutOfRange(layer: l, layers: spec.layers, architecture: spec.architecture)
        }
        if let l = layers.first(where: { byLayer[$0] == nil }) {
            throw InterventionError.noNeuronsAtLayer(layer: l, path: neurons.path, layers: byLayer.keys.sorted())
        }
        neuronLayers = byLayer.filter { layers.contains($0.key) }
        fixed = []
    }

    var cleanCapture: CaptureRequest {
        CaptureRequest(hiddenLayers: Set(0...(spec?.layers ?? 0)), received: true, finalLayerNorm: true)
    }

    var intervenedCapture: CaptureRequest { cleanCapture }

    func hooks(batch: [ImageEntry], clean: [ImageCapture]) throws -> ForwardHooks {
        guard let spec else { return ForwardHooks() }
        if kind == .testTimeRegister { return TestTimeRegister(neurons: neuronLayers, prefixTokens: spec.prefixTokens).hooks() }
        var tokens: [Int: [[Int]]] = [:]
        for l in layers {
            let chosen = try selection(layer: l, batch: batch, clean: clean)
            for (i, c) in chosen.enumerated() where c.isEmpty {
                throw InterventionError.emptySelection(selector: selector.description, image: batch[i].id, layer: l)
            }
            tokens[l] = chosen
        }
        return TokenIntervention(kind: kind, tokens: tokens, prefixTokens: spec.prefixTokens).hooks()
    }

    /// Per image, the selected tokens at store layer l.
    func selection(layer l: Int, batch: [ImageEntry], clean: [ImageCapture]) throws -> [[Int]] {
        if let fixed { return Array(repeating: fixed, count: clean.count) }
        guard let detector else { return Array(repeating: [], count: clean.count) }
        return try sinks(detector, layer: l, clean: clean, excluding: nil)
    }

    /// The tokens `detector` marks at layer l in each image of the clean run.
    func sinks(_ detector: any SinkDetector, layer l: Int, clean: [ImageCapture], excluding: [[Int]]?) throws -> [[Int]] {
        guard let spec else { return [] }
        let t = tokenCount
        let activations = try LayerActivations(
            layer: l, imageCount: clean.count, tokenCount: t, hiddenSize: spec.hiddenSize, prefixTokens: spec.prefixTokens,
            hidden: clean.flatMap { $0.hidden[l] ?? [] }, received: l >= 1 ? clean.flatMap { $0.received[l] ?? [] } : nil)
        let mask = try detector.detect(activations).values
        return (0..<clean.count).map { i in (0..<t).filter { mask[i * t + $0] != 0 } }
    }

    func observe(batch: [ImageEntry], clean: [ImageCapture], intervened: [ImageCapture]) throws {
        guard let spec else { return }
        let t = tokenCount, d = spec.hiddenSize, p = spec.prefixTokens, prefix = spec.embedding.prefix
        imageCount += clean.count
        for l in 0...spec.layers {
            let selected = layers.contains(l) || fixed != nil ? try selection(layer: max(l, 0), batch: batch, clean: clean) : []
            // Other sinks: the detector's tokens on the clean run at this layer (attention-based ones need l ≥ 1).
            var others: [[Int]] = Array(repeating: [], count: clean.count)
            if let detector, l >= 1 || !detector.inputs.contains(.received) {
                others = (try? sinks(detector, layer: l, clean: clean, excluding: nil)) ?? others
            }
            var s = sums[l] ?? LayerSums()
            for i in clean.indices {
                guard let a = clean[i].hidden[l], let b = intervened[i].hidden[l] else { continue }
                let chosen = Set(selected.isEmpty ? [] : selected[i])
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        if prefix.cls > 0 { s.cls += cosine(pa.baseAddress!, pb.baseAddress!, d) }
                        for token in p..<t where !chosen.contains(token) {
                            s.other += cosine(pa.baseAddress! + token * d, pb.baseAddress! + token * d, d)
                            s.otherCount += 1
                        }
                        for token in chosen {
                            s.selected += cosine(pa.baseAddress! + token * d, pb.baseAddress! + token * d, d)
                            s.selectedCount += 1
                        }
                    }
                }
                s.pooled += cosine(meanRow(a, rows: p..<t, width: d), meanRow(b, rows: p..<t, width: d))
                let na = Array(clean[i].norms[(l * t + p)..<((l + 1) * t)]), nb = Array(intervened[i].norms[(l * t + p)..<((l + 1) * t)])
                s.median.add(quantile(na, 0.5), quantile(nb, 0.5))
                s.p99.add(quantile(na, 0.99), quantile(nb, 0.99))
                s.max.add(Double(na.max() ?? 0), Double(nb.max() ?? 0))
                for token in chosen { s.selectedNorm.add(Double(clean[i].norms[l * t + token]), Double(intervened[i].norms[l * t + token])) }
                if let extra = intervened[i].extra, extra.count > 0 {
                    s.extra.norm += Double(extra.norms[l * extra.count])
                    s.extra.count += 1
                    if l >= 1, let r = extra.received[l]?.first { s.extra.received += Double(r); s.extra.receivedCount += 1 }
                    // The clean run's highest-norm patch token: does its attention move to the extra token?
                    if l >= 1, let ra = clean[i].received[l], let rb = intervened[i].received[l],
                       let top = (p..<t).max(by: { clean[i].norms[l * t + $0] < clean[i].norms[l * t + $1] }) {
                        s.extra.outlierReceived.add(Double(ra[top]), Double(rb[top]))
                    }
                }
                if l >= 1, let ra = clean[i].received[l], let rb = intervened[i].received[l] {
                    func group(_ tokens: [Int]) -> (Double, Double) {
                        (tokens.reduce(0) { $0 + Double(ra[$1]) }, tokens.reduce(0) { $0 + Double(rb[$1]) })
                    }
                    let otherSinks = others[i].filter { !chosen.contains($0) && $0 >= p }
                    let sinkSet = Set(otherSinks)
                    let clsTokens = prefix.cls > 0 && !chosen.contains(0) ? [0] : []
                    let registerTokens = (prefix.cls..<p).filter { !chosen.contains($0) }
                    let ordinary = (p..<t).filter { !chosen.contains($0) && !sinkSet.contains($0) }
                    s.attention.add(selected: group(Array(chosen)), cls: group(clsTokens), registers: group(registerTokens),
                                    otherSinks: group(otherSinks), ordinary: group(ordinary))
                }
            }
            sums[l] = s
        }
        for i in clean.indices {
            let a = clean[i].lastHiddenState ?? clean[i].hidden[spec.layers]!, b = intervened[i].lastHiddenState ?? intervened[i].hidden[spec.layers]!
            if prefix.cls > 0 { final.cls += cosine(Array(a[0..<d]), Array(b[0..<d])) }
            final.pooled += cosine(meanRow(a, rows: p..<t, width: d), meanRow(b, rows: p..<t, width: d))
            var diff = 0.0, base = 0.0
            for k in a.indices { diff += Double(a[k] - b[k]) * Double(a[k] - b[k]); base += Double(a[k]) * Double(a[k]) }
            final.relative += (diff / max(base, .leastNormalMagnitude)).squareRoot()
        }
    }

    /// The effects over every image seen.
    func effects(model: String) -> InterventionEffects {
        let n = Double(max(imageCount, 1)), hasCLS = (spec?.embedding.prefix.cls ?? 0) > 0
        let hasRegisters = (spec?.embedding.prefix.registers ?? 0) > 0
        let layerEffects = (0...(spec?.layers ?? 0)).map { l -> InterventionEffects.LayerEffect in
            let s = sums[l] ?? LayerSums()
            return InterventionEffects.LayerEffect(
                layer: l, clsCosine: hasCLS ? s.cls / n : nil, pooledCosine: s.pooled / n,
                otherPatchesCosine: s.other / Double(max(s.otherCount, 1)),
                selectedCosine: s.selectedCount > 0 ? s.selected / Double(s.selectedCount) : nil,
                medianPatchNorm: s.median.mean, p99PatchNorm: s.p99.mean, maxPatchNorm: s.max.mean,
                selectedNorm: s.selectedNorm.count > 0 ? s.selectedNorm.mean : nil,
                attention: l >= 1 ? s.attention.shift(images: n, cls: hasCLS, registers: hasRegisters) : nil,
                extraToken: s.extra.count > 0 ? s.extra.effect : nil)
        }
        return InterventionEffects(
            model: model, intervention: kind.rawValue, tokens: kind == .testTimeRegister ? "extra" : selector.description, at: layers, images: imageCount, layers: layerEffects,
            final: .init(clsCosine: hasCLS ? final.cls / n : nil, pooledCosine: final.pooled / n, relativeChange: final.relative / n))
    }
}

// MARK: - Running sums

struct ChangeSum {
    var clean = 0.0, intervened = 0.0, count = 0
    mutating func add(_ a: Double, _ b: Double) { clean += a; intervened += b; count += 1 }
    var mean: InterventionEffects.Change {
        .init(clean: clean / Double(max(count, 1)), intervened: intervened / Double(max(count, 1)))
    }
}

struct LayerSums {
    var cls = 0.0, pooled = 0.0, other = 0.0, otherCount = 0, selected = 0.0, selectedCount = 0
    var median = ChangeSum(), p99 = ChangeSum(), max = ChangeSum(), selectedNorm = ChangeSum()
    var attention = AttentionSums()
    var extra = ExtraTokenSums()
}

struct ExtraTokenSums {
    var norm = 0.0, count = 0, received = 0.0, receivedCount = 0, outlierReceived = ChangeSum()
    var effect: InterventionEffects.ExtraTokenEffect {
        .init(norm: norm / Double(max(count, 1)), received: receivedCount > 0 ? received / Double(receivedCount) : nil,
              outlierReceived: outlierReceived.count > 0 ? outlierReceived.mean : nil)
    }
}

struct AttentionSums {
    var selected = ChangeSum(), cls = ChangeSum(), registers = ChangeSum(), otherSinks = ChangeSum(), ordinary = ChangeSum()
    mutating func add(selected s: (Double, Double), cls c: (Double, Double), registers r: (Double, Double),
                      otherSinks o: (Double, Double), ordinary p: (Double, Double)) {
        selected.add(s.0, s.1); cls.add(c.0, c.1); registers.add(r.0, r.1); otherSinks.add(o.0, o.1); ordinary.add(p.0, p.1)
    }

    /// Per-image means; shares of the freed attention (0 when nothing was freed).
    func shift(images n: Double, cls hasCLS: Bool, registers hasRegisters: Bool) -> InterventionEffects.AttentionShift {
        let freed = selected.clean - selected.intervened
        func share(_ g: ChangeSum) -> Double { abs(freed) > 1e-9 ? (g.intervened - g.clean) / freed : 0 }
        func perImage(_ g: ChangeSum) -> InterventionEffects.Change { .init(clean: g.clean / n, intervened: g.intervened / n) }
        return .init(
            selected: perImage(selected), cls: hasCLS ? perImage(cls) : nil, registers: hasRegisters ? perImage(registers) : nil,
            otherSinks: perImage(otherSinks), ordinaryPatches: perImage(ordinary), freed: freed / n,
            toCls: hasCLS ? share(cls) : nil, toRegisters: hasRegisters ? share(registers) : nil,
            toOtherSinks: share(otherSinks), toOrdinaryPatches: share(ordinary))
    }
}

struct FinalSums {
    var cls = 0.0, pooled = 0.0, relative = 0.0
}
