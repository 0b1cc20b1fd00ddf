import Foundation

/// How `PathwayAnalysis` defines its token groups and summaries.
///
///     var config = PathwayConfig(vitDetector: NormThreshold(tau: 100))   // the seed paper's CLIP ViT-L tau
///     config.llmCriterion = MassiveDimensions(abs: 100, ratio: 1000)     // Sun et al.
public struct PathwayConfig: Sendable {
    /// Finds the **ViT sinks** on the ViT layer the LVLM uses (patch tokens only; prefix tokens of a
    /// full ViT stack never reach the LLM).
    public var vitDetector: any SinkDetector
    /// Finds **LLM sinks** on each LLM hidden layer at the visual positions (massive activations,
    /// Sun et al. 2024); those that are not ViT sinks are the LLM-emerged sinks.
    public var llmCriterion: MassiveDimensions
    /// Quantile buckets of the ViT token norm for the attention-by-norm summary.
    public var buckets: Int
    /// Images whose relevance maps (LLM attention on the patch grid) go into the report.
    public var relevanceImages: Int
    /// Decoded words (a store with the logit lens): the LLM layer (nil = the deepest decoded one), the
    /// images of the gallery and the sink-fed tokens shown per image (as many ordinary ones beside them).
    public var decodedLayer: Int?
    public var wordImages = 4
    public var wordTokens = 6

    public init(vitDetector: any SinkDetector = NormThreshold(tau: .auto), llmCriterion: MassiveDimensions = MassiveDimensions(),
                buckets: Int = 5, relevanceImages: Int = 4) {
        self.vitDetector = vitDetector
        self.llmCriterion = llmCriterion
        self.buckets = buckets
        self.relevanceImages = relevanceImages
    }

    func validate() throws {
        guard buckets >= 1, buckets <= 100 else {
            throw PathwayError.invalidParameter(name: "buckets", value: "\(buckets)", expected: "between 1 and 100")
        }
        guard relevanceImages >= 0 else {
            throw PathwayError.invalidParameter(name: "relevance images", value: "\(relevanceImages)", expected: "0 or more")
        }
    }
}
