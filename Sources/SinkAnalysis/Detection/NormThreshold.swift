import Foundation
import Support

/// Sinks by absolute hidden-state norm: ‖x‖₂ > `tau` (the seed paper uses 100 for CLIP ViT-L/14).
///
/// `tau: .auto` asks `NormCalibration` for a threshold per layer from the layer's own norm
/// distribution; when that distribution has no separate high-norm mode the layer gets no sinks and
/// the mask carries a note saying so (no threshold is invented).
///
///     let mask = try NormThreshold(tau: 100).detect(layer)
///     let auto = try NormThreshold(tau: .auto).detect(layer)   // mask.calibration has the evidence
public struct NormThreshold: SinkDetector, Equatable {
    /// A fixed norm or a per-layer calibrated one.
    public enum Tau: Sendable, Codable, Equatable {
        case value(Double)
        case auto
    }

    public var tau: Tau
    public var includePrefix: Bool
    /// Options of the calibration used when `tau == .auto`.
    public var calibration: NormCalibration

    public init(tau: Double, includePrefix: Bool = false) {
        self.init(tau: .value(tau), includePrefix: includePrefix)
    }

    public init(tau: Tau, includePrefix: Bool = false, calibration: NormCalibration = NormCalibration()) {
        self.tau = tau
        self.includePrefix = includePrefix
        self.calibration = calibration
    }

    public var name: String { "norm" }
    public var inputs: DetectorInputs { [] }
    public var parameters: [String: String] {
        var p = ["include_prefix": "\(includePrefix)"]
        switch tau {
        case .value(let v): p["tau"] = parameterText(v)
        case .auto: p["tau"] = "auto"
        }
        return p
    }

    public func criterion(_ layer: LayerActivations) throws -> SinkCriterion {
        switch tau {
        case .value(let v):
            guard v.isFinite, v > 0 else {
                throw DetectionError.invalidParameter(
                    method: name, name: "tau", value: "\(v)", expected: "a finite norm > 0 (or auto)")
            }
            return SinkCriterion(passes: layer.norms.map { Double($0) > v ? 1 : 0 }, threshold: v)
        case .auto:
            let result = calibration.calibrate(layer, includePrefix: includePrefix)
            guard let t = result.tau else {
                return SinkCriterion(
                    passes: [UInt8](repeating: 0, count: layer.norms.count), threshold: nil, calibration: result,
                    notes: ["Layer \(layer.layer): \(result.verdict) No sinks detected."])
            }
            return SinkCriterion(
                passes: layer.norms.map { Double($0) > t ? 1 : 0 }, threshold: t, calibration: result)
        }
    }
}

/// Sinks by norm relative to the image: ‖x‖₂ > `k` × the median norm of that image's patch tokens.
///
/// Models differ in scale (DINOv2-S norms are tens, CLIP ViT-L's hundreds), so a ratio travels
/// between models where an absolute `tau` does not. The median uses patch tokens only, so CLS and
/// registers never move the reference.
public struct RelativeNorm: SinkDetector, Equatable {
    public var k: Double
    public var includePrefix: Bool

    public init(k: Double, includePrefix: Bool = false) {
        self.k = k
        self.includePrefix = includePrefix
    }

    public var name: String { "relative" }
    public var inputs: DetectorInputs { [] }
    public var parameters: [String: String] { ["k": parameterText(k), "include_prefix": "\(includePrefix)"] }

    public func criterion(_ layer: LayerActivations) throws -> SinkCriterion {
        // k ≤ 1 would call about half of the patches sinks: that is not an outlier criterion.
        guard k.isFinite, k > 1 else {
            throw DetectionError.invalidParameter(
                method: name, name: "k", value: "\(k)", expected: "a finite ratio > 1 of the median patch norm")
        }
        let t = layer.tokenCount
        var passes = [UInt8](repeating: 0, count: layer.norms.count)
        for i in 0..<layer.imageCount {
            let row = layer.norms(image: i)
            let reference = k * median(row.dropFirst(layer.prefixCount))
            for j in 0..<t where Double(row[row.startIndex + j]) > reference { passes[i * t + j] = 1 }
        }
        return SinkCriterion(passes: passes, threshold: k)
    }
}
