import Foundation

/// Sinks by the sink-dimension score (after Kang et al. 2025, "See What You Are Told"):
/// score(x) = max over the sink dimensions S of |x_d| / RMS(x), RMS(x) = sqrt(mean_d x_d²);
/// a token is a sink when its score exceeds `tau`.
///
/// Since x_d² ≤ Σ x², the score is at most √D: tau = 20 is reachable for D = 4096 (LLaMA) but not
/// for D = 384 (ViT-S, √D ≈ 19.6), and such a tau is rejected with that sentence rather than
/// silently finding nothing.
///
/// `dimensions == nil` discovers S per layer: a dimension d belongs to S when |x_d| / RMS(x) > tau
/// at some token in at least `discoveryImageShare` of the images (Kang et al.'s sink dimensions are
/// a property of the model, shared across inputs, not of one image). The mask lists S in `dimensions`.
public struct SinkDimensionScore: SinkDetector, Equatable {
    public var dimensions: [Int]?
    public var tau: Double
    public var discoveryImageShare: Double
    public var includePrefix: Bool

    public init(dimensions: [Int]? = nil, tau: Double = 20, discoveryImageShare: Double = 0.5, includePrefix: Bool = false) {
        self.dimensions = dimensions
        self.tau = tau
        self.discoveryImageShare = discoveryImageShare
        self.includePrefix = includePrefix
    }

    public var name: String { "sinkdim" }
    public var inputs: DetectorInputs { [.hidden] }
    public var parameters: [String: String] {
        var p = ["tau": parameterText(tau), "include_prefix": "\(includePrefix)"]
        if let dims = dimensions {
            p["dimensions"] = dims.map(String.init).joined(separator: ",")
        } else {
            p["dimensions"] = "discover"
            p["discovery_image_share"] = parameterText(discoveryImageShare)
        }
        return p
    }

    public func criterion(_ layer: LayerActivations) throws -> SinkCriterion {
        let d = layer.hiddenSize
        try checkParameters(hiddenSize: d)
        let ratios = scaledMagnitudes(layer)   // [n*T, D] |x_d| / RMS(x)
        let chosen = dimensions ?? discover(ratios, layer: layer)
        let rows = layer.imageCount * layer.tokenCount
        var passes = [UInt8](repeating: 0, count: rows)
        var hits: [Int: (tokens: Int, peak: Double)] = [:]
        for r in 0..<rows {
            for c in chosen where Double(ratios[r * d + c]) > tau {
                passes[r] = 1
                let old = hits[c] ?? (0, 0)
                hits[c] = (old.tokens + 1, max(old.peak, Double(ratios[r * d + c])))
            }
        }
        var notes: [String] = []
        if dimensions == nil { notes.append(discoveryNote(layer: layer.layer, chosen: chosen)) }
        let dims = chosen.sorted().map { DimensionHit(dimension: $0, tokens: hits[$0]?.tokens ?? 0, peak: hits[$0]?.peak ?? 0) }
        return SinkCriterion(passes: passes, threshold: tau, dimensions: dims, notes: notes)
    }

    /// Checks tau, the given dimensions and the discovery share against the hidden size D.
    func checkParameters(hiddenSize d: Int) throws {
        let bound = Double(d).squareRoot()
        guard tau.isFinite, tau > 0 else {
            throw DetectionError.invalidParameter(method: name, name: "tau", value: "\(tau)", expected: "a finite score > 0")
        }
        guard tau < bound else { throw DetectionError.unreachableScore(method: name, tau: tau, bound: bound, hiddenSize: d) }
        if let dims = dimensions, let bad = dims.first(where: { $0 < 0 || $0 >= d }) {
            throw DetectionError.invalidParameter(
                method: name, name: "dimensions", value: "\(bad)", expected: "a dimension index in 0..<\(d)")
        }
        guard discoveryImageShare > 0, discoveryImageShare <= 1 else {
            throw DetectionError.invalidParameter(
                method: name, name: "discovery_image_share", value: "\(discoveryImageShare)", expected: "in (0, 1]")
        }
    }

    /// The note `criterion` adds when it discovered the dimensions itself.
    func discoveryNote(layer: Int, chosen: [Int]) -> String {
        chosen.isEmpty
            ? "Layer \(layer): no dimension has |x_d| / RMS(x) > \(parameterText(tau)) in enough images, so there are no sink dimensions and no sinks."
            : "Layer \(layer): discovered sink dimensions \(chosen)."
    }

    /// `[n*T, D]` |x_d| / RMS(x) per token; an all-zero token scores 0 everywhere.
    func scaledMagnitudes(_ layer: LayerActivations) -> [Float] {
        let x = layer.hidden ?? [], d = layer.hiddenSize
        var out = [Float](repeating: 0, count: x.count)
        for r in 0..<(layer.imageCount * layer.tokenCount) {
            var s = 0.0
            for c in 0..<d { let v = Double(x[r * d + c]); s += v * v }
            let rms = (s / Double(d)).squareRoot()
            guard rms > 0 else { continue }
            for c in 0..<d { out[r * d + c] = Float(Double(abs(x[r * d + c])) / rms) }
        }
        return out
    }

    /// Dimensions that exceed tau at some token in at least `discoveryImageShare` of the images.
    func discover(_ ratios: [Float], layer: LayerActivations) -> [Int] {
        chosen(imagesPerDimension: imagesPerDimension(ratios, layer: layer), imageCount: layer.imageCount)
    }

    /// `[D]` how many of the layer's images have a token with |x_d| / RMS(x) > tau, per dimension;
    /// blocks of images add up.
    func imagesPerDimension(_ ratios: [Float], layer: LayerActivations) -> [Int] {
        let d = layer.hiddenSize, t = layer.tokenCount
        var imagesPerDim = [Int](repeating: 0, count: d)
        for i in 0..<layer.imageCount {
            var fired = [Bool](repeating: false, count: d)
            for j in 0..<t {
                let base = (i * t + j) * d
                for c in 0..<d where Double(ratios[base + c]) > tau { fired[c] = true }
            }
            for c in 0..<d where fired[c] { imagesPerDim[c] += 1 }
        }
        return imagesPerDim
    }

    /// The dimensions counted in at least `discoveryImageShare` of `imageCount` images.
    func chosen(imagesPerDimension imagesPerDim: [Int], imageCount: Int) -> [Int] {
        let d = imagesPerDim.count
        let needed = Int((discoveryImageShare * Double(imageCount)).rounded(.up))
        return (0..<d).filter { imagesPerDim[$0] >= max(needed, 1) }
    }
}
