import ActivationStore
import Foundation
import Plotting
import SinkAnalysis

/// What every section of a report reads: the options, the analysed store and the figure writer.
struct ReportContext {
    let config: ReportConfig
    let analysis: StoreAnalysis
    private let figureSet: FigureSet?

    init(config: ReportConfig, analysis: StoreAnalysis, figures: FigureSet?) {
        self.config = config
        self.analysis = analysis
        figureSet = figures
    }

    /// The figure writer; a context made only for planning has none and must not draw.
    var figures: FigureSet {
        guard let figureSet else { preconditionFailure("a planning context cannot draw figures") }
        return figureSet
    }

    var store: StoreReader { analysis.store }
    var model: ModelInfo { analysis.model }
    var layers: [Int] { analysis.layers }
    var results: [LayerResult] { analysis.results }
    var hasReceived: Bool { results.contains(where: \.hasReceived) }

    /// The number of figures the sections will draw, so the progress bar knows its total.
    func plannedFigures(probes: ProbeFacts) throws -> Int {
        let l = layers.count
        var count = l + (l >= 2 ? 2 : 0)                                  // histograms; counts and norms charts
        let galleryLayers = try galleryLayers()
        let withReceived = galleryLayers.filter { analysis.result($0)?.hasReceived == true }.count
        count += min(config.galleryImages, analysis.n) * (1 + galleryLayers.count + withReceived)
        if hasReceived {
            let correlations = results.compactMap(\.detection.normAttention).filter { $0.spearman != nil || $0.pearson != nil }
            count += 1 + (correlations.count >= 2 ? 1 : 0)
        }
        var keys = Set<String>()
        for r in probes.rows where r.score != nil { keys.insert(Self.probeKey(r)) }
        count += keys.count
        count += analysis.focusHidden == nil ? 0 : 1                      // PCA (may still be skipped for too few tokens)
        count += l >= 2 ? 1 : 0                                           // CKA
        if let persistence = try analysis.persistence(), persistence.transitions.filter({ $0.share != nil }).count >= 2 { count += 1 }
        return count
    }

    /// A short description of the threshold applied on one layer, for tables and captions.
    func thresholdText(_ r: LayerResult) -> String {
        let p = analysis.source.parameters
        switch (analysis.source.method, r.detection.thresholdSource) {
        case (_, "absent"): return "no mask"
        case ("norm", "none"): return "none (no mode)"
        case ("norm", "calibrated"): return "τ = " + Format.num(r.detection.threshold) + " (calibrated)"
        case ("norm", _): return "τ = " + Format.num(r.detection.threshold)
        case ("relative", _): return "norm > \(p["k"] ?? "?") × image median"
        case ("topk", _): return "top \(p["k"] ?? "?") by norm"
        case ("attention", _): return "received > \(p["m"] ?? "?") × uniform"
        case ("massive", _): return "|x_d| > \(p["abs"] ?? "?") and > \(p["ratio"] ?? "?") × median"
        case ("sinkdim", _): return "max |x_d|/RMS > \(p["tau"] ?? "?")"
        default: return r.detection.threshold.map { Format.num($0) } ?? Format.parameters(p, skipping: ["include_prefix"])
        }
    }
}

/// Equal-width histogram with numpy.histogram's rules: `bins` bins over the finite values'
/// min...max (max + 1 when all equal), the last bin closed on the right.
func histogram(_ values: [Float], bins: Int) -> (edges: [Double], counts: [Int]) {
    let finite = values.filter(\.isFinite).map(Double.init)
    guard let lo = finite.min(), var hi = finite.max() else { return ([0, 1], [0]) }
    if hi <= lo { hi = lo + 1 }
    let width = (hi - lo) / Double(bins)
    var counts = [Int](repeating: 0, count: bins)
    for v in finite { counts[min(bins - 1, Int((v - lo) / width))] += 1 }
    return ((0...bins).map { lo + Double($0) * width }, counts)
}
