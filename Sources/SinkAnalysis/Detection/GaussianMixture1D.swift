import Foundation

/// A Gaussian mixture on scalars fitted by expectation–maximisation from a given start.
///
/// Used by `NormCalibration` on log-norms. The start is passed in (no random restarts), so the same
/// data give the same fit. A variance floor keeps a component that sits on a few identical values
/// (planted sinks, f16 ties) from collapsing to zero width and an infinite likelihood.
///
///     let fit = GaussianMixture1D().fit(x, start: [.init(weight: 0.9, mean: 0, variance: 1),
///                                                 .init(weight: 0.1, mean: 3, variance: 1)])
public struct GaussianMixture1D: Sendable, Codable, Equatable {
    public var maxIterations: Int
    /// Stop when the mean log-likelihood per sample improves by less than this.
    public var tolerance: Double
    /// Variance floor relative to the variance of the data (plus an absolute 1e-12).
    public var relativeVarianceFloor: Double

    public init(maxIterations: Int = 300, tolerance: Double = 1e-9, relativeVarianceFloor: Double = 1e-4) {
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.relativeVarianceFloor = relativeVarianceFloor
    }

    /// One component: mixing weight, mean and variance.
    public struct Component: Sendable, Codable, Equatable {
        public var weight: Double
        public var mean: Double
        public var variance: Double
        public init(weight: Double, mean: Double, variance: Double) {
            self.weight = weight; self.mean = mean; self.variance = variance
        }

        /// log(weight · N(x; mean, variance)).
        public func logDensity(_ x: Double) -> Double {
            let z = x - mean
            return log(weight) - 0.5 * (log(2 * Double.pi * variance) + z * z / variance)
        }
    }

    /// A fitted mixture, components sorted by mean.
    public struct Fit: Sendable, Codable, Equatable {
        public var components: [Component]
        /// Total log-likelihood of the data.
        public var logLikelihood: Double
        public var iterations: Int
        public var converged: Bool
    }

    /// Fits the mixture to `x` by EM from `start`.
    /// - Parameters:
    ///   - x: `[N]` finite samples, N ≥ 2.
    ///   - start: one initial component per mixture component (weights need not sum to 1).
    /// - Complexity: O(N · K) per iteration.
    public func fit(_ x: [Double], start: [Component]) -> Fit {
        let n = Double(x.count), k = start.count
        let mean = x.reduce(0, +) / n
        let floor = relativeVarianceFloor * x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n + 1e-12
        let total = start.reduce(0) { $0 + $1.weight }
        var comps = start.map { Component(weight: $0.weight / total, mean: $0.mean, variance: max($0.variance, floor)) }
        var resp = [Double](repeating: 0, count: x.count * k)
        var logLik = expectation(x, comps, into: &resp)
        var iterations = 0, converged = false
        while iterations < maxIterations {
            maximisation(x, resp, floor: floor, into: &comps)
            iterations += 1
            let next = expectation(x, comps, into: &resp)
            let gain = (next - logLik) / n
            logLik = next
            if gain < tolerance { converged = true; break }
        }
        return Fit(components: comps.sorted { $0.mean < $1.mean }, logLikelihood: logLik,
                   iterations: iterations, converged: converged)
    }

    /// E step: `resp[i, c]` = posterior of component c for sample i, with log-sum-exp so far-out
    /// samples do not underflow. Returns the total log-likelihood of the current components.
    func expectation(_ x: [Double], _ comps: [Component], into resp: inout [Double]) -> Double {
        let k = comps.count
        // Per component: log w - ½ log(2π σ²) and -1 / (2σ²), hoisted out of the sample loop.
        let offsets = comps.map { log($0.weight) - 0.5 * log(2 * Double.pi * $0.variance) }
        let scales = comps.map { -0.5 / $0.variance }
        var logLik = 0.0
        for i in 0..<x.count {
            var top = -Double.infinity
            for c in 0..<k {
                let z = x[i] - comps[c].mean
                resp[i * k + c] = offsets[c] + scales[c] * z * z
                top = max(top, resp[i * k + c])
            }
            var sum = 0.0
            for c in 0..<k { sum += exp(resp[i * k + c] - top) }
            let lse = top + log(sum)
            logLik += lse
            for c in 0..<k { resp[i * k + c] = exp(resp[i * k + c] - lse) }
        }
        return logLik
    }

    /// M step: weights, means and variances from the responsibilities (variances floored).
    func maximisation(_ x: [Double], _ resp: [Double], floor: Double, into comps: inout [Component]) {
        let k = comps.count, n = Double(x.count)
        for c in 0..<k {
            var w = 0.0, s = 0.0
            for i in 0..<x.count { w += resp[i * k + c]; s += resp[i * k + c] * x[i] }
            guard w > 1e-300 else { comps[c].weight = 1e-300; continue }
            let mu = s / w
            var v = 0.0
            for i in 0..<x.count { let z = x[i] - mu; v += resp[i * k + c] * z * z }
            comps[c] = Component(weight: w / n, mean: mu, variance: max(v / w, floor))
        }
    }
}

extension GaussianMixture1D.Fit {
    /// Ashman's D between the first and last component: √2 |μ₁ − μ₂| / √(σ₁² + σ₂²).
    /// D > 2 is the usual bar for a clean separation of two Gaussian modes.
    public var separation: Double {
        guard let a = components.first, let b = components.last else { return 0 }
        return 2.0.squareRoot() * abs(b.mean - a.mean) / (a.variance + b.variance).squareRoot()
    }

    /// The point between the two means where both components are equally likely, found by bisection;
    /// nil when the upper component never dominates there (too little weight for its width).
    public var boundary: Double? {
        guard components.count == 2 else { return nil }
        let (a, b) = (components[0], components[1])
        func f(_ x: Double) -> Double { b.logDensity(x) - a.logDensity(x) }
        var lo = a.mean, hi = b.mean
        guard hi > lo, f(lo) < 0, f(hi) > 0 else { return nil }
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if f(mid) > 0 { hi = mid } else { lo = mid }
        }
        return (lo + hi) / 2
    }
}
