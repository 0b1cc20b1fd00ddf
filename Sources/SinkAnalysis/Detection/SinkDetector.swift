import Foundation

/// Inputs a detector reads besides the norms, so a runner loads only what it needs.
public struct DetectorInputs: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// `[n, T, D]` hidden states.
    public static let hidden = DetectorInputs(rawValue: 1)
    /// `[n, T]` received attention.
    public static let received = DetectorInputs(rawValue: 2)
}

/// A criterion evaluated on every token of a layer (prefix included), before the prefix policy.
public struct SinkCriterion: Sendable {
    /// `[n, T]` 1 where the token meets the criterion.
    public var passes: [UInt8]
    public var threshold: Double?
    public var calibration: NormCalibration.Result?
    public var dimensions: [DimensionHit]
    public var notes: [String]
    /// Store indices of images whose k-th and (k+1)-th ranked values tie (rank methods), kept as
    /// numbers so a layer read shard by shard gets one note listing all of them.
    public var tiedImages: [Int]
    public init(
        passes: [UInt8], threshold: Double? = nil, calibration: NormCalibration.Result? = nil,
        dimensions: [DimensionHit] = [], notes: [String] = [], tiedImages: [Int] = []
    ) {
        self.passes = passes; self.threshold = threshold; self.calibration = calibration
        self.dimensions = dimensions; self.notes = notes; self.tiedImages = tiedImages
    }

    /// The note for images whose k-th and (k+1)-th values tie.
    static func tieNote(layer: Int, images: [Int]) -> String {
        "Layer \(layer): the k-th and (k+1)-th norms tie in images \(images); ties went to the lower token index."
    }
}

/// A sink definition with its parameters. Construction stores the parameters; `detect` validates the
/// layer and returns the mask (scikit-learn's split between hyperparameters and work).
///
///     let mask = try RelativeNorm(k: 4).detect(layer)      // [n, T] u8 + counts
///     try store.writeMasks(method: detector.name, parameters: detector.parameters, masks: [l: mask.values])
public protocol SinkDetector: Sendable, Codable {
    /// The method's name, used in the store key `sink.{name}.{l}` (e.g. "norm", "relative").
    var name: String { get }
    /// Parameters as strings, recorded in the store's manifest next to the masks.
    var parameters: [String: String] { get }
    /// Whether prefix tokens (CLS, registers) may be sinks; they are reported on their own either way.
    var includePrefix: Bool { get }
    /// Arrays besides the norms that the criterion reads.
    var inputs: DetectorInputs { get }
    /// Checks the parameters against the layer's shape and evaluates the criterion on every token,
    /// prefix included. Called by `detect` after the inputs were checked for presence and finiteness.
    func criterion(_ layer: LayerActivations) throws -> SinkCriterion
}

extension SinkDetector {
    /// Finds the sinks of one layer.
    /// - Parameter layer: activations with `[n, T]` norms (and hidden / received when `inputs` asks).
    /// - Returns: the `[n, T]` mask, prefix tokens zeroed unless `includePrefix`, and the prefix verdicts.
    /// - Throws: `DetectionError` for a missing input, a NaN or infinity, or a parameter out of range.
    public func detect(_ layer: LayerActivations) throws -> SinkMask {
        var (mask, tied) = try detectBlock(layer)
        if !tied.isEmpty { mask.notes.append(SinkCriterion.tieNote(layer: layer.layer, images: tied)) }
        return mask
    }

    /// `detect` on one block of a layer's images (e.g. one shard), with the tied images as numbers
    /// instead of a note, so the caller can join the blocks' ties into one note.
    func detectBlock(_ layer: LayerActivations) throws -> (mask: SinkMask, tiedImages: [Int]) {
        try layer.validate(for: inputs, method: name)
        var c = try criterion(layer)
        let (n, t, p) = (layer.imageCount, layer.tokenCount, layer.prefixCount)
        var prefix = [UInt8](repeating: 0, count: n * p)
        for i in 0..<n {
            for j in 0..<p {
                prefix[i * p + j] = c.passes[i * t + j]
                if !includePrefix { c.passes[i * t + j] = 0 }
            }
        }
        let mask = SinkMask(
            imageCount: n, tokenCount: t, prefixTokens: p, values: c.passes, prefixPasses: prefix,
            threshold: c.threshold, calibration: c.calibration, dimensions: c.dimensions, notes: c.notes)
        return (mask, c.tiedImages)
    }
}

// MARK: - Shared helpers

/// Formats a parameter value the way it is recorded in manifests: shortest round-trip text.
func parameterText(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
}
