import ArgumentParser
import SinkAnalysis

/// How sinks are detected: one set of option names for `detect` and `pathway` (both of its
/// subcommands), turned into the library's detector by `detector()`.
///
/// `pathway` once spelled three of them `--vit-method`, `--vit-abs` and `--vit-ratio`; those
/// spellings still work (hidden from `--help`), so older scripts and notebooks keep running.
///
/// Example:
///     sinkscope detect --store runs/photos --method massive --abs 100 --ratio 1000
///     sinkscope pathway --store runs/llava --out runs/llava-pathway --method norm --tau 100
struct DetectorOptions: ParsableArguments {
    @Option(help: "Detection method: \(DetectionMethod.allCases.map(\.rawValue).joined(separator: "|")) (default: norm).")
    var method: String?

    @Option(help: "Threshold: a norm for 'norm' ('auto' = calibrated per layer from the norm histogram; the seed paper uses 100 for CLIP ViT-L), a score for 'sinkdim'.")
    var tau: String?

    @Option(help: "Ratio to the median patch norm for 'relative'; number of tokens for 'topk'.")
    var k: Double?

    @Option(help: "Multiple of the uniform received-attention share (1) for 'attention'.")
    var m: Double?

    @Option(help: "Absolute magnitude a massive dimension must exceed ('massive'; default 100).")
    var abs: Double?

    @Option(help: "Multiple of the token's median |x| a massive dimension must exceed ('massive'; default 1000).")
    var ratio: Double?

    @Option(help: "Comma-separated sink dimensions for 'sinkdim' (default: discovered per layer).")
    var dims: String?

    @Flag(help: "Let prefix tokens (CLS, registers) be sinks in the masks.")
    var includePrefix = false

    // MARK: - The old pathway spellings (hidden aliases)

    @Option(name: .customLong("vit-method"), help: .hidden)
    var vitMethod: String?

    @Option(name: .customLong("vit-abs"), help: .hidden)
    var vitAbs: Double?

    @Option(name: .customLong("vit-ratio"), help: .hidden)
    var vitRatio: Double?

    // MARK: - Resolved values

    /// The method's name as given (either spelling), `norm` by default.
    var methodName: String { method ?? vitMethod ?? "norm" }

    /// The spelling the user typed for the method, for error messages.
    var methodFlag: String { vitMethod != nil ? "--vit-method" : "--method" }

    func validate() throws {
        for (canonical, old, both) in [("--method", "--vit-method", method != nil && vitMethod != nil),
                                       ("--abs", "--vit-abs", abs != nil && vitAbs != nil),
                                       ("--ratio", "--vit-ratio", ratio != nil && vitRatio != nil)] where both {
            throw ValidationError("\(canonical) and \(old) are the same option (\(old) is its old name); give it once.")
        }
        _ = try parsedDims()
        if tau == "auto", methodName != "norm" { throw ValidationError("--tau auto works only with \(methodFlag) norm.") }
    }

    /// Refuses what the ViT layer of an LVLM store cannot hold: it has no attention, and the LLM
    /// sees only the visual tokens. Called by `pathway`'s subcommands.
    func validateForViTLayer() throws {
        guard let method = DetectionMethod(rawValue: methodName), method != .attention else {
            throw ValidationError("\(methodFlag) must be one of norm, relative, topk, massive, sinkdim, not '\(methodName)' (the ViT side of an LVLM store has no attention).")
        }
        if includePrefix { throw ValidationError("--include-prefix does not apply to pathway: the LLM sees only the visual tokens.") }
    }

    /// The detector these options describe.
    /// - Throws: `ValidationError` for a malformed `--dims`; the library's error for an unknown
    ///   method or a parameter the method does not read.
    func detector() throws -> any SinkDetector {
        try DetectionMethod(name: methodName).detector(
            tau: tau, k: k, m: m, abs: abs ?? vitAbs, ratio: ratio ?? vitRatio, dimensions: try parsedDims(),
            includePrefix: includePrefix)
    }

    /// `--dims` as indices; nil when not given.
    func parsedDims() throws -> [Int]? {
        guard let dims else { return nil }
        let parts = dims.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
            throw ValidationError("--dims '\(dims)' must be comma-separated dimension indices such as 12,307.")
        }
        return parts.compactMap { $0 }
    }
}
