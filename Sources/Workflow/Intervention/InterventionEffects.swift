import Foundation

// Shape letters: n images, T tokens, D hidden, L blocks; l a store layer (0 = embeddings).

/// `effects.json`: how the intervened run differs from the clean run, per layer, averaged over images.
/// Cosines are between the clean and the intervened vector of the same token (1 = unchanged).
public struct InterventionEffects: Codable, Sendable, Equatable {
    public var model: String
    public var intervention: String
    public var tokens: String
    public var at: [Int]
    public var images: Int
    /// One entry per store layer 0...L.
    public var layers: [LayerEffect]
    /// The final output (HF `last_hidden_state`: the final norm, or hidden.L without one).
    public var final: OutputEffect

    public struct LayerEffect: Codable, Sendable, Equatable {
        public var layer: Int
        /// Mean cosine of the CLS token (nil without CLS), of the mean-pooled patch tokens, of the
        /// unselected patch tokens, of the selected tokens.
        public var clsCosine: Double?
        public var pooledCosine: Double
        public var otherPatchesCosine: Double
        public var selectedCosine: Double?
        /// Mean over images of the median / 99th percentile / max patch-token norm, clean → intervened.
        public var medianPatchNorm: Change
        public var p99PatchNorm: Change
        public var maxPatchNorm: Change
        /// Mean norm of the selected tokens, clean → intervened.
        public var selectedNorm: Change?
        /// Attention received (head-mean column sums, summed over the group's tokens, per image), layers ≥ 1.
        public var attention: AttentionShift?
        /// The appended token of a test-time register run (nil, and absent from JSON, otherwise).
        public var extraToken: ExtraTokenEffect? = nil
    }

    /// Did the high-norm outliers and their attention move to the test-time register? Means over images.
    public struct ExtraTokenEffect: Codable, Sendable, Equatable {
        /// The extra token's norm at this layer (compare with `maxPatchNorm`, clean → intervened).
        public var norm: Double
        /// Attention it receives (head-mean column sum over all T + 1 queries; uniform share = 1); nil at layer 0.
        public var received: Double?
        /// Attention received by the clean run's highest-norm patch token of each image, clean → intervened.
        public var outlierReceived: Change?
    }

    public struct Change: Codable, Sendable, Equatable {
        public var clean: Double
        public var intervened: Double
    }

    /// Where the attention the selected tokens lost went: the received attention of each group,
    /// clean → intervened (each row of the pattern sums to 1, so the columns sum to T per image).
    public struct AttentionShift: Codable, Sendable, Equatable {
        public var selected: Change
        public var cls: Change?
        public var registers: Change?
        /// Sinks the detector finds on the clean run at this layer, outside the selection.
        public var otherSinks: Change
        /// Every other patch token.
        public var ordinaryPatches: Change
        /// Share of the freed attention (clean − intervened received of the selection) each group gained.
        public var freed: Double
        public var toCls: Double?
        public var toRegisters: Double?
        public var toOtherSinks: Double
        public var toOrdinaryPatches: Double
    }

    public struct OutputEffect: Codable, Sendable, Equatable {
        public var clsCosine: Double?
        public var pooledCosine: Double
        public var relativeChange: Double
    }
}

/// Cosine of two vectors of length `d` (1 when both are zero, 0 when one is).
func cosine(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ d: Int) -> Double {
    var ab = 0.0, aa = 0.0, bb = 0.0
    for c in 0..<d {
        let x = Double(a[c]), y = Double(b[c])
        ab += x * y; aa += x * x; bb += y * y
    }
    if aa == 0 && bb == 0 { return 1 }
    if aa == 0 || bb == 0 { return 0 }
    return ab / (aa.squareRoot() * bb.squareRoot())
}

func cosine(_ a: [Float], _ b: [Float]) -> Double {
    a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in cosine(pa.baseAddress!, pb.baseAddress!, a.count) } }
}

/// Mean of rows `rows` of a [T, D] array.
func meanRow(_ x: [Float], rows: Range<Int>, width d: Int) -> [Float] {
    var m = [Double](repeating: 0, count: d)
    for r in rows { for c in 0..<d { m[c] += Double(x[r * d + c]) } }
    return m.map { Float($0 / Double(max(rows.count, 1))) }
}

/// The q-quantile (0...1) of values, by nearest rank on the sorted values.
func quantile(_ values: [Float], _ q: Double) -> Double {
    let s = values.sorted()
    guard !s.isEmpty else { return .nan }
    return Double(s[min(s.count - 1, Int((q * Double(s.count - 1)).rounded()))])
}
