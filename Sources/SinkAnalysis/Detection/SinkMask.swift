import Foundation

/// The result of one detector on one layer: which tokens are sinks, plus what the detector used.
///
/// `values` is `[n, T]` u8 (1 = sink), the layout of the store's `sink.{method}.{l}` tensor.
/// Prefix tokens (CLS, registers) are sinks in `values` only when the detector's `includePrefix` is
/// set, but `prefixPasses` always says whether each prefix token meets the criterion, so reports can
/// show them on their own.
public struct SinkMask: Sendable, Codable, Equatable {
    /// n, T and P of the layer.
    public var imageCount: Int
    public var tokenCount: Int
    public var prefixTokens: Int
    /// `[n, T]` 1 where the token is a sink.
    public var values: [UInt8]
    /// `[n]` number of sinks per image (prefix tokens counted only when included).
    public var counts: [Int]
    /// `[n, P]` 1 where prefix token p of image i meets the criterion, whether or not prefix tokens are included.
    public var prefixPasses: [UInt8]
    /// The threshold the criterion applied on this layer (a norm, a ratio, a received share),
    /// nil for top-k or when calibration found no separate mode.
    public var threshold: Double?
    /// The calibration that chose the threshold, for `NormThreshold(tau: .auto)`.
    public var calibration: NormCalibration.Result?
    /// Hidden dimensions that made tokens sinks (massive dimensions, sink dimensions), with counts.
    public var dimensions: [DimensionHit]
    /// Sentences worth showing with the result (no separate mode, ties broken by index...).
    public var notes: [String]

    public init(
        imageCount: Int, tokenCount: Int, prefixTokens: Int, values: [UInt8], prefixPasses: [UInt8],
        threshold: Double? = nil, calibration: NormCalibration.Result? = nil,
        dimensions: [DimensionHit] = [], notes: [String] = []
    ) {
        self.imageCount = imageCount
        self.tokenCount = tokenCount
        self.prefixTokens = prefixTokens
        self.values = values
        self.prefixPasses = prefixPasses
        self.threshold = threshold
        self.calibration = calibration
        self.dimensions = dimensions
        self.notes = notes
        self.counts = (0..<imageCount).map { i in
            values[(i * tokenCount)..<((i + 1) * tokenCount)].reduce(0) { $0 + Int($1) }
        }
    }

    /// Total number of sinks over all images.
    public var total: Int { counts.reduce(0, +) }

    /// Whether token `t` of image `i` is a sink.
    public func isSink(image i: Int, token t: Int) -> Bool { values[i * tokenCount + t] != 0 }

    /// The `(image, token)` pairs of all sinks, image-major.
    public var positions: [SinkPosition] {
        values.indices.filter { values[$0] != 0 }.map { SinkPosition(image: $0 / tokenCount, token: $0 % tokenCount) }
    }
}

/// One sink: image index and token index (prefix tokens first).
public struct SinkPosition: Sendable, Codable, Equatable, Hashable {
    public var image: Int
    public var token: Int
    public init(image: Int, token: Int) { self.image = image; self.token = token }
}

/// A hidden dimension d and how many tokens it flagged (massive activation or sink-dimension score).
public struct DimensionHit: Sendable, Codable, Equatable {
    public var dimension: Int
    public var tokens: Int
    /// Largest |x_d| seen at a flagged token (massive) or largest |x_d| / RMS(x) (sink dimension).
    public var peak: Double
    public init(dimension: Int, tokens: Int, peak: Double) {
        self.dimension = dimension; self.tokens = tokens; self.peak = peak
    }
}
