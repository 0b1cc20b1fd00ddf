import Foundation
import SinkAnalysis
import Support
import VisionModels

/// Everything `sinkscope intervene` needs, as a value.
public struct InterventionConfig: Sendable {
    /// Model, images, output store, labels, attention, dtype, threads: as for `extract` (layers: all).
    public var extraction: ExtractionConfig
    public var kind: InterventionKind
    public var selector: TokenSelector
    /// Store layers (0...L) the intervention acts at; nil for all it can act at (knockout: 1...L).
    public var layers: [Int]?
    /// Finds `sinks:METHOD` (and the other sinks freed attention may go to); nil when not needed.
    public var detector: (any SinkDetector)?

    public init(extraction: ExtractionConfig, kind: InterventionKind, selector: TokenSelector, layers: [Int]?, detector: (any SinkDetector)?) {
        self.extraction = extraction
        self.kind = kind
        self.selector = selector
        self.layers = layers
        self.detector = detector
    }
}

/// What an intervention run did; printed by the command.
public struct InterventionSummary: Codable, Sendable {
    public var extraction: ExtractionSummary
    public var effects: InterventionEffects
    public var effectsFile: String

    /// A few lines for a terminal: the extraction summary, per layer the cosines, then the findings.
    public var text: String {
        var lines = [extraction.text, "effects: \(effectsFile)", "layer  cls_cos  pooled_cos  patches_cos  selected_norm"]
        for e in effects.layers {
            lines.append(String(format: "%5d  %7@  %10.4f  %11.4f  %@", e.layer, e.clsCosine.map { String(format: "%.4f", $0) } ?? "-",
                                e.pooledCosine, e.otherPatchesCosine,
                                e.selectedNorm.map { String(format: "%.1f → %.1f", $0.clean, $0.intervened) } ?? "-"))
        }
        lines.append(String(format: "final output: relative change %.4f", effects.final.relativeChange))
        // The same sentences the report's Intervention section shows, written from these numbers.
        lines.append("findings:")
        lines += effects.findings.map { "  - " + $0 }
        return lines.joined(separator: "\n")
    }
}

/// `sinkscope intervene`: a store of the intervened run and `effects.json` beside its manifest.
///
///     let summary = try InterventionRun.run(InterventionConfig(
///         extraction: ExtractionConfig(model: "dinov2-small", images: photos, output: out, receivedAttention: true),
///         kind: .knockout, selector: .cls, layers: Array(1...11), detector: nil))
///
/// The run goes into a temporary directory beside `output`, renamed into place only when every
/// image succeeded, so a refused selection (an image where `sinks:` finds nothing) leaves nothing.
/// - Complexity: two forward passes per batch (clean, intervened), plus the effects (O(n·L·T·D)).
public enum InterventionRun {
    public static func run(_ config: InterventionConfig) throws -> InterventionSummary {
        let output = config.extraction.output
        guard !FileManager.default.fileExists(atPath: output.path) else { throw InterventionError.outputExists(output.path) }
        let partial = output.deletingLastPathComponent().appendingPathComponent(".\(output.lastPathComponent).partial-\(getpid())")
        try? FileManager.default.removeItem(at: partial)
        let intervention = SelectionIntervention(kind: config.kind, selector: config.selector, layers: config.layers, detector: config.detector)
        var extraction = config.extraction
        extraction.output = partial
        extraction.intervention = intervention
        do {
            var summary = try Extractor.run(extraction)
            summary.store = output.path
            let effects = intervention.effects(model: summary.model)
            let file = partial.appendingPathComponent("effects.json")
            try JSONCoding.encoder(snakeCaseKeys: true).encode(effects).write(to: file, options: .atomic)
            try FileManager.default.moveItem(at: partial, to: output)
            return InterventionSummary(extraction: summary, effects: effects, effectsFile: output.appendingPathComponent("effects.json").path)
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
    }
}
