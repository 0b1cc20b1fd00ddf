import Foundation

// Shape letters: n images, T tokens, D hidden, L blocks; l a store layer (0 = embeddings).

/// `effects.json` (beside a store's manifest, written by `sinkscope intervene`): how the intervened run differs from the clean run, per layer, averaged over images.
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

    public init(model: String, intervention: String, tokens: String, at: [Int], images: Int, layers: [LayerEffect], final: OutputEffect) {
        self.model = model; self.intervention = intervention; self.tokens = tokens; self.at = at
        self.images = images; self.layers = layers; self.final = final
    }

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

        public init(layer: Int, clsCosine: Double?, pooledCosine: Double, otherPatchesCosine: Double, selectedCosine: Double?,
                    medianPatchNorm: Change, p99PatchNorm: Change, maxPatchNorm: Change, selectedNorm: Change?, attention: AttentionShift?) {
            self.layer = layer; self.clsCosine = clsCosine; self.pooledCosine = pooledCosine
            self.otherPatchesCosine = otherPatchesCosine; self.selectedCosine = selectedCosine
            self.medianPatchNorm = medianPatchNorm; self.p99PatchNorm = p99PatchNorm; self.maxPatchNorm = maxPatchNorm
            self.selectedNorm = selectedNorm; self.attention = attention
        }
    }

    public struct Change: Codable, Sendable, Equatable {
        public var clean: Double
        public var intervened: Double

        public init(clean: Double, intervened: Double) { self.clean = clean; self.intervened = intervened }
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

        public init(selected: Change, cls: Change?, registers: Change?, otherSinks: Change, ordinaryPatches: Change, freed: Double,
                    toCls: Double?, toRegisters: Double?, toOtherSinks: Double, toOrdinaryPatches: Double) {
            self.selected = selected; self.cls = cls; self.registers = registers; self.otherSinks = otherSinks
            self.ordinaryPatches = ordinaryPatches; self.freed = freed; self.toCls = toCls; self.toRegisters = toRegisters
            self.toOtherSinks = toOtherSinks; self.toOrdinaryPatches = toOrdinaryPatches
        }
    }

    public struct OutputEffect: Codable, Sendable, Equatable {
        public var clsCosine: Double?
        public var pooledCosine: Double
        public var relativeChange: Double

        public init(clsCosine: Double?, pooledCosine: Double, relativeChange: Double) {
            self.clsCosine = clsCosine; self.pooledCosine = pooledCosine; self.relativeChange = relativeChange
        }
    }
}
