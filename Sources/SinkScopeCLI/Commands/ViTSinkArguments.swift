import ArgumentParser
import SinkAnalysis

/// How `pathway` and `pathway export-order` define ViT sinks on the LVLM's ViT layer.
struct ViTSinkArguments: ParsableArguments {
    @Option(help: "The store directory (made by import --lvlm, or any store with --layer).")
    var store: String

    @Option(help: "ViT sink method on the ViT layer's patch tokens: norm|relative|topk|massive|sinkdim.")
    var vitMethod: String = "norm"

    @Option(help: "ViT threshold: a norm for 'norm' ('auto' = calibrated on the layer; the seed paper uses 100 for CLIP ViT-L), a score for 'sinkdim'.")
    var tau: String?

    @Option(help: "Ratio to the median patch norm for 'relative'; number of tokens for 'topk'.")
    var k: Double?

    @Option(help: "ViT massive activations ('massive'): the magnitude a dimension must exceed (default 100).")
    var vitAbs: Double?

    @Option(help: "ViT massive activations ('massive'): the multiple of the token's median |x| (default 1000).")
    var vitRatio: Double?

    func validate() throws {
        guard let method = DetectionMethod(rawValue: vitMethod), method != .attention else {
            throw ValidationError("--vit-method must be one of norm, relative, topk, massive, sinkdim, not '\(vitMethod)' (the ViT side of an LVLM store has no attention).")
        }
        if tau == "auto", method != .norm { throw ValidationError("--tau auto works only with --vit-method norm.") }
    }

    /// The detector for the ViT sinks.
    func detector() throws -> any SinkDetector {
        try DetectionMethod(name: vitMethod).detector(tau: tau, k: k, abs: vitAbs, ratio: vitRatio)
    }
}
