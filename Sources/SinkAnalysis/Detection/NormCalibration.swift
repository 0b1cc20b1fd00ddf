import Foundation
import Support

/// Proposes a norm threshold for one layer from the layer's own norms, and says whether there is a
/// separate high-norm mode at all.
///
/// Two opinions on the log-norms x = log ‖h‖₂ (sinks are a multiplicative outlier, so log scale):
/// 1. **Gap.** Sort x and take the widest gap between consecutive values among the splits that
///    leave between `minUpperCount` (and `minUpperShare`·N) and `maxUpperShare`·N tokens above it:
///    the widest empty stretch of the histogram at any bin width. Its width is measured in units of
///    the bulk's robust spread σ = 1.4826 · MAD of the values below it.
/// 2. **Mixture.** A two-component Gaussian mixture on x by EM from two deterministic starts (the gap
///    split, and the median / 99th percentile), keeping the higher likelihood.
///
/// Decision rule: a separate mode exists only when **all** hold —
/// the gap is at least `minGapSigmas` bulk σ wide; the mixture's components are separated by
/// Ashman's D ≥ `minSeparation`; the upper component's weight is within
/// [`minUpperShare`, `maxUpperShare`]; and the mixture's equal-posterior boundary splits the tokens
/// exactly where the gap does. The proposed tau is then the geometric midpoint of the gap.
/// Otherwise the result says why there is no separate mode and proposes nothing.
///
///     let result = NormCalibration().calibrate(layer, includePrefix: false)
///     result.hasSeparateMode   // false on a unimodal (e.g. log-normal) bulk
public struct NormCalibration: Sendable, Codable, Equatable {
    public var minUpperCount: Int
    public var minUpperShare: Double
    public var maxUpperShare: Double
    public var minGapSigmas: Double
    public var minSeparation: Double
    public var minTokens: Int
    public var histogramBins: Int
    public var mixture: GaussianMixture1D

    public init(
        minUpperCount: Int = 3, minUpperShare: Double = 0.001, maxUpperShare: Double = 0.25,
        minGapSigmas: Double = 3, minSeparation: Double = 2, minTokens: Int = 20, histogramBins: Int = 40,
        mixture: GaussianMixture1D = GaussianMixture1D()
    ) {
        self.minUpperCount = minUpperCount
        self.minUpperShare = minUpperShare
        self.maxUpperShare = maxUpperShare
        self.minGapSigmas = minGapSigmas
        self.minSeparation = minSeparation
        self.minTokens = minTokens
        self.histogramBins = histogramBins
        self.mixture = mixture
    }

    /// Calibrates on a layer's patch tokens (all tokens when `includePrefix`).
    public func calibrate(_ layer: LayerActivations, includePrefix: Bool) -> Result {
        var values: [Float] = []
        values.reserveCapacity(layer.norms.count)
        for i in 0..<layer.imageCount {
            let row = layer.norms(image: i)
            values.append(contentsOf: includePrefix ? row : row.dropFirst(layer.prefixCount))
        }
        return calibrate(norms: values)
    }

    /// Calibrates on `[N]` token norms. Non-finite and non-positive norms are left out (and counted).
    public func calibrate(norms: [Float]) -> Result {
        let usable = norms.filter { $0.isFinite && $0 > 0 }
        let x = usable.map { log(Double($0)) }.sorted()
        var result = Result(tokens: x.count, excluded: norms.count - x.count, histogram: Histogram(x, bins: histogramBins))
        guard x.count >= minTokens else {
            return result.noMode("only \(x.count) usable token norms; calibration needs at least \(minTokens).")
        }
        guard let lo = x.first, let hi = x.last, hi - lo > 1e-12 else {
            return result.noMode("all token norms are equal.")
        }
        let n = x.count
        let fewest = max(minUpperCount, Int((minUpperShare * Double(n)).rounded(.up)), 1)
        let most = Int((maxUpperShare * Double(n)).rounded(.down))
        guard fewest <= most else {
            return result.noMode("\(n) tokens are too few to hold an upper mode of at least \(fewest) tokens.")
        }
        // Split after index i: bulk x[0...i], upper x[i+1..<n], upper count n-1-i in fewest...most.
        var best = n - 1 - fewest
        for i in (n - 1 - most)...(n - 1 - fewest) where x[i + 1] - x[i] > x[best + 1] - x[best] { best = i }
        let bulk = Array(x[0...best])
        let sigma = max(robustSigma(bulk), 1e-12)
        let upper = n - 1 - best
        let gap = Gap(
            lowerNorm: exp(x[best]), upperNorm: exp(x[best + 1]), widthLog: x[best + 1] - x[best],
            bulkSigmaLog: sigma, widthSigmas: (x[best + 1] - x[best]) / sigma,
            upperCount: upper, upperShare: Double(upper) / Double(n))
        result.gap = gap

        let fit = fitMixture(x, split: best)
        result.mixture = fit
        result.mixtureSeparation = fit.separation
        if let b = fit.boundary {
            result.mixtureBoundaryNorm = exp(b)
            result.mixtureUpperCount = x.reduce(0) { $0 + ($1 > b ? 1 : 0) }
        }
        let upperWeight = fit.components.last?.weight ?? 0

        let sep = String(format: "%.2f", fit.separation)
        let width = String(format: "%.2f", gap.widthSigmas)
        if gap.widthSigmas < minGapSigmas {
            return result.noMode("the widest gap in the log-norms is \(width) bulk σ wide, below \(parameterText(minGapSigmas)).")
        }
        if fit.separation < minSeparation {
            return result.noMode("the two-Gaussian fit separates its modes by Ashman's D = \(sep), below \(parameterText(minSeparation)).")
        }
        if upperWeight < minUpperShare || upperWeight > maxUpperShare {
            return result.noMode(String(format: "the upper mixture component holds %.4f of the tokens, outside [%g, %g].",
                                        upperWeight, minUpperShare, maxUpperShare))
        }
        guard let count = result.mixtureUpperCount, count == upper else {
            return result.noMode("the mixture boundary puts \(result.mixtureUpperCount.map(String.init) ?? "no") tokens "
                + "in the upper mode where the gap puts \(upper), so the two opinions disagree.")
        }
        result.hasSeparateMode = true
        result.tau = exp((x[best] + x[best + 1]) / 2)
        result.verdict = String(
            format: "A separate high-norm mode of %d tokens (%.2f%%) lies above a gap from %.4g to %.4g "
                + "(%@ bulk σ, Ashman's D = %@); proposed tau = %.4g.",
            upper, 100 * gap.upperShare, gap.lowerNorm, gap.upperNorm, width, sep, result.tau ?? 0)
        return result
    }

    /// EM from two deterministic starts; the higher likelihood wins.
    func fitMixture(_ x: [Double], split: Int) -> GaussianMixture1D.Fit {
        func component(_ s: ArraySlice<Double>, weight: Double) -> GaussianMixture1D.Component {
            let m = s.reduce(0, +) / Double(s.count)
            let v = s.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(s.count)
            return .init(weight: weight, mean: m, variance: v)
        }
        let n = Double(x.count)
        let fromGap = [component(x[0...split], weight: Double(split + 1) / n),
                       component(x[(split + 1)...], weight: Double(x.count - split - 1) / n)]
        let all = component(x[...], weight: 1)
        let fromQuantiles = [
            GaussianMixture1D.Component(weight: 0.95, mean: quantile(x, 0.5), variance: all.variance),
            GaussianMixture1D.Component(weight: 0.05, mean: quantile(x, 0.99), variance: all.variance),
        ]
        let a = mixture.fit(x, start: fromGap), b = mixture.fit(x, start: fromQuantiles)
        return b.logLikelihood > a.logLikelihood ? b : a
    }
}

// MARK: - Result

extension NormCalibration {
    /// What calibration found on one layer; all norms are in the store's units, log values natural log.
    public struct Result: Sendable, Codable, Equatable {
        /// Tokens used, and tokens left out for a non-positive or non-finite norm.
        public var tokens: Int
        public var excluded: Int
        public var hasSeparateMode = false
        /// The proposed norm threshold, nil without a separate mode.
        public var tau: Double?
        /// One sentence: the mode and threshold, or why there is none.
        public var verdict = ""
        public var gap: Gap?
        public var mixture: GaussianMixture1D.Fit?
        public var mixtureSeparation: Double?
        public var mixtureBoundaryNorm: Double?
        public var mixtureUpperCount: Int?
        /// Histogram of the log-norms, for plots.
        public var histogram: Histogram

        init(tokens: Int, excluded: Int, histogram: Histogram) {
            self.tokens = tokens; self.excluded = excluded; self.histogram = histogram
        }

        func noMode(_ reason: String) -> Result {
            var r = self
            r.hasSeparateMode = false
            r.tau = nil
            r.verdict = "No separate high-norm mode: " + reason
            return r
        }
    }

    /// The widest admissible gap between consecutive sorted log-norms.
    public struct Gap: Sendable, Codable, Equatable {
        /// Largest norm below and smallest norm above the gap.
        public var lowerNorm: Double
        public var upperNorm: Double
        public var widthLog: Double
        /// Robust σ (1.4826 · MAD) of the log-norms below the gap.
        public var bulkSigmaLog: Double
        public var widthSigmas: Double
        public var upperCount: Int
        public var upperShare: Double
    }

    /// Equal-width histogram of log-norms: `counts[b]` values in [edges[b], edges[b+1]).
    public struct Histogram: Sendable, Codable, Equatable {
        public var edges: [Double]
        public var counts: [Int]

        init(_ sorted: [Double], bins: Int) {
            guard let lo = sorted.first, let hi = sorted.last, bins > 0 else { edges = []; counts = []; return }
            let width = max(hi - lo, 1e-12) / Double(bins)
            edges = (0...bins).map { lo + Double($0) * width }
            counts = [Int](repeating: 0, count: bins)
            for v in sorted { counts[min(Int((v - lo) / width), bins - 1)] += 1 }
        }
    }
}

/// 1.4826 · median |x − median(x)|, the normal-consistent median absolute deviation.
func robustSigma(_ x: [Double]) -> Double {
    let m = median(x)
    return 1.4826 * median(x.map { abs($0 - m) })
}
