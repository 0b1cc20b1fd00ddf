import ActivationStore
import Foundation
import Support
import VisionModels

// Shape letters: n images, T tokens, D hidden, I MLP width, L blocks; l a store layer (block l's output).

/// One MLP neuron's activation (`blocks.{l-1}.mlp.post`) at the outlier tokens against the other patch tokens.
public struct RegisterNeuron: Codable, Sendable, Equatable {
    /// Store layer l: the neuron is in block l (1...L).
    public var layer: Int
    public var neuron: Int
    /// Mean activation at the outlier tokens / at the other patch tokens, over all images.
    public var outlierMean: Double
    public var otherMean: Double
    /// outlierMean − otherMean: how much more the neuron fires where the outliers are.
    public var score: Double
}

/// `sinkscope neurons`: the register-neuron ranking of Jiang et al. 2025 ("Vision Transformers Don't
/// Need Trained Registers"): neurons whose post-activation is large exactly at the high-norm outlier
/// positions. Outliers here: the `tokensPerImage` highest-norm patch tokens of each image at `outlierLayer`.
public struct NeuronRanking: Codable, Sendable {
    public var model: String
    public var architecture: String
    public var outlierLayer: Int
    public var tokensPerImage: Int
    public var images: Int
    /// L and I of the model ranked (nil in files written before they were recorded): with the
    /// architecture and name they tie the file to its model (`intervene --neurons` checks them).
    public var layers: Int?
    public var intermediateSize: Int?
    /// The `top` neurons over every layer, highest score first.
    public var neurons: [RegisterNeuron]

    public var text: String {
        var lines = ["register neurons of \(model) (\(architecture)): outliers = top \(tokensPerImage) norm patch tokens at layer \(outlierLayer), \(images) images",
                     "layer  neuron  outlier_mean  other_mean    score"]
        for r in neurons {
            lines.append(String(format: "%5d  %6d  %12.3f  %10.3f  %7.3f", r.layer, r.neuron, r.outlierMean, r.otherMean, r.score))
        }
        return lines.joined(separator: "\n")
    }
}

/// Accumulates per (layer, neuron) the post-activation at the outlier tokens and elsewhere, as a
/// `BatchIntervention` that changes nothing: the clean pass finds the outliers, the second pass's
/// `mlp.post` hooks read the activations (the store it writes holds layer 0 only and is discarded).
final class NeuronScan: BatchIntervention, @unchecked Sendable {
    let outlierLayer: Int?
    let tokensPerImage: Int
    private(set) var spec: ArchitectureDescription?
    private(set) var images = 0
    private var tokens = 0
    private var outlierSum: [[Double]] = [], otherSum: [[Double]] = []
    private var outlierCount = 0, otherCount = 0

    init(outlierLayer: Int?, tokensPerImage: Int) {
        self.outlierLayer = outlierLayer
        self.tokensPerImage = tokensPerImage
    }

    var layer: Int { outlierLayer ?? spec?.layers ?? 0 }

    func prepare(model: VisionTransformer, tokens: Int) throws {
        spec = model.spec
        self.tokens = tokens
        if !(1...model.spec.layers).contains(layer) {
            throw InterventionError.outlierLayerOutOfRange(layer: layer, layers: model.spec.layers, architecture: model.spec.architecture)
        }
        let patches = tokens - model.spec.prefixTokens
        guard (1...patches).contains(tokensPerImage) else {
            throw InterventionError.noSuchTokens(selector: "top \(tokensPerImage)", architecture: model.spec.architecture,
                                                 what: "\(patches) patch tokens per image")
        }
        outlierSum = Array(repeating: Array(repeating: 0, count: model.spec.intermediateSize), count: model.spec.layers)
        otherSum = outlierSum
    }

    var cleanCapture: CaptureRequest { CaptureRequest(hiddenLayers: []) }
    var intervenedCapture: CaptureRequest { CaptureRequest(hiddenLayers: []) }

    func hooks(batch: [ImageEntry], clean: [ImageCapture]) throws -> ForwardHooks {
        guard let spec else { return ForwardHooks() }
        let t = tokens, p = spec.prefixTokens, l = layer
        // The outliers of each image: its top-norm patch tokens at the outlier layer (norms [L+1, T]).
        let outliers: [Set<Int>] = clean.map { c in
            Set((p..<t).sorted { c.norms[l * t + $0] > c.norms[l * t + $1] }.prefix(tokensPerImage))
        }
        outlierCount += clean.count * tokensPerImage
        otherCount += clean.count * (t - p - tokensPerImage)
        images += clean.count
        var hooks = ForwardHooks()
        for b in 0..<spec.layers {
            hooks[stream: .mlpPost(block: b)] = { [self] view in
                for image in 0..<view.images {
                    for token in p..<view.tokens {
                        let row = view.row(image: image, token: token)
                        if outliers[image].contains(token) {
                            for k in 0..<view.width { outlierSum[b][k] += Double(row[k]) }
                        } else {
                            for k in 0..<view.width { otherSum[b][k] += Double(row[k]) }
                        }
                    }
                }
            }
        }
        return hooks
    }

    func observe(batch: [ImageEntry], clean: [ImageCapture], intervened: [ImageCapture]) throws {}

    /// The `top` neurons by score over every block.
    func ranking(model: String, top: Int) -> NeuronRanking {
        var all: [RegisterNeuron] = []
        for b in outlierSum.indices {
            for k in outlierSum[b].indices {
                let o = outlierSum[b][k] / Double(max(outlierCount, 1)), r = otherSum[b][k] / Double(max(otherCount, 1))
                all.append(RegisterNeuron(layer: b + 1, neuron: k, outlierMean: o, otherMean: r, score: o - r))
            }
        }
        all.sort { $0.score != $1.score ? $0.score > $1.score : ($0.layer, $0.neuron) < ($1.layer, $1.neuron) }
        return NeuronRanking(model: model, architecture: spec?.architecture ?? "", outlierLayer: layer, tokensPerImage: tokensPerImage,
                             images: images, layers: spec?.layers, intermediateSize: spec?.intermediateSize, neurons: Array(all.prefix(top)))
    }
}

/// Runs the register-neuron scan over images.
///
///     let ranking = try RegisterNeuronScan.run(model: "dinov2-small", images: photos, outlierLayer: nil, tokensPerImage: 1, top: 20)
public enum RegisterNeuronScan {
    /// - Parameters:
    ///   - outlierLayer: store layer (1...L) whose top-norm tokens are the outliers; nil for L.
    ///   - tokensPerImage: outliers per image.
    ///   - top: neurons listed.
    public static func run(
        model: String, images: URL, outlierLayer: Int?, tokensPerImage: Int, top: Int, threads: Int = 2, progress: Bool = false,
        cache: URL? = nil
    ) throws -> NeuronRanking {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-neurons-\(getpid())-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let scan = NeuronScan(outlierLayer: outlierLayer, tokensPerImage: tokensPerImage)
        let summary = try Extractor.run(ExtractionConfig(
            model: model, images: images, output: scratch, layers: [0], threads: threads, progress: progress, cache: cache,
            intervention: scan))
        return scan.ranking(model: summary.model, top: top)
    }
}
