import ReportKit
import ActivationStore
import Foundation
import SinkAnalysis

/// The numbers the demo found, from which its summary sentences are written. Saved as
/// `findings.json` next to the demo page so the sentences can be checked against them.
public struct DemoFindings: Sendable, Codable, Equatable {
    public var model: ModelInfo
    /// Photos and synthetic scenes extracted.
    public var photos: Int
    public var synth: Int
    public var extractSeconds: Double
    /// On the photo store: `norm --tau auto`, `relative --k 3`, `attention --m 5`, `massive`
    /// (defaults), and top-1 by norm (not written to the store; how far the largest patch stands out).
    public var calibrated: DetectionReport
    public var relative: DetectionReport
    public var attention: DetectionReport
    public var massive: DetectionReport
    public var topNorm: DetectionReport
    /// Probe headlines from the default suites (empty when no suite ran).
    public var probes: [ProbeHeadline]
    /// Default suites that were not found (the demo runs outside the repository).
    public var missingSuites: [String]
    /// The demo page, relative to the current directory when possible.
    public var page: String
    public var totalSeconds: Double

    public init(
        model: ModelInfo, photos: Int, synth: Int, extractSeconds: Double, calibrated: DetectionReport,
        relative: DetectionReport, attention: DetectionReport, massive: DetectionReport, topNorm: DetectionReport,
        probes: [ProbeHeadline], missingSuites: [String] = [], page: String, totalSeconds: Double
    ) {
        self.model = model; self.photos = photos; self.synth = synth; self.extractSeconds = extractSeconds
        self.calibrated = calibrated; self.relative = relative; self.attention = attention; self.massive = massive
        self.topNorm = topNorm; self.probes = probes; self.missingSuites = missingSuites; self.page = page; self.totalSeconds = totalSeconds
    }
}

/// One line of probe results the summary talks about: for a target at its best layer, the best
/// group's score against a comparison group's.
public struct ProbeHeadline: Sendable, Codable, Equatable {
    /// "global", "local" or "position".
    public var kind: String
    /// The label column or target (`texture`, `quadrant`, `position`).
    public var target: String
    public var metric: String
    public var layer: Int
    public var bestGroup: String
    public var bestScore: Double
    public var bestInterval: [Double]?
    /// The group the claim is about (the sink / CLS group) at the same layer, when it is not the best.
    public var sinkGroup: String?
    public var sinkScore: Double?
    /// Chance level of the target (1 / classes), when known.
    public var chance: Double?

    public init(
        kind: String, target: String, metric: String, layer: Int, bestGroup: String, bestScore: Double,
        bestInterval: [Double]? = nil, sinkGroup: String? = nil, sinkScore: Double? = nil, chance: Double? = nil
    ) {
        self.kind = kind; self.target = target; self.metric = metric; self.layer = layer
        self.bestGroup = bestGroup; self.bestScore = bestScore; self.bestInterval = bestInterval
        self.sinkGroup = sinkGroup; self.sinkScore = sinkScore; self.chance = chance
    }
}
