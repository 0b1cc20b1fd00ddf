import ActivationStore
import SinkAnalysis
import ReportKit
import Foundation

/// Settings of `sinkscope demo`: the whole pipeline on the built-in model and the sample photos.
public struct DemoConfig: Sendable {
    /// Where everything goes: `index.html` (the demo page), `findings.json`, the stores, reports
    /// and probe results. Replaced when an earlier demo wrote it; refused when it holds anything else.
    public var out: URL
    /// Photos to extract (the first N sample photos by name); nil: all of them.
    public var images: Int?
    /// Synthetic scenes to draw and extract for the probes.
    public var synth: Int
    /// The asset cache `scripts/setup.sh` fills (model ONNX + photos).
    public var cache: URL
    /// Threads for extraction.
    public var threads: Int
    /// The folder holding the default probe suites (`Probes/`); suites missing there are skipped.
    public var probes: URL
    public var seed: UInt64
    /// Progress bars on stderr.
    public var progress: Bool

    public init(
        out: URL, images: Int? = nil, synth: Int = 96, cache: URL, threads: Int = 2,
        probes: URL = URL(fileURLWithPath: "Probes"), seed: UInt64 = 0, progress: Bool = true
    ) {
        self.out = out
        self.images = images
        self.synth = synth
        self.cache = cache
        self.threads = threads
        self.probes = probes
        self.seed = seed
        self.progress = progress
    }

    /// Layout of the output folder.
    var photosSource: URL { out.appendingPathComponent("photos.txt") }
    var photoStore: URL { out.appendingPathComponent("photos-store") }
    var synthImages: URL { out.appendingPathComponent("synth") }
    var synthStore: URL { out.appendingPathComponent("synth-store") }
    var photoReport: URL { out.appendingPathComponent("photos-report") }
    var synthReport: URL { out.appendingPathComponent("synth-report") }
    var probeResults: URL { out.appendingPathComponent("probes") }
    var page: URL { out.appendingPathComponent("index.html") }
    var findingsFile: URL { out.appendingPathComponent("findings.json") }
    static let markerName = ".sinkscope-demo"
}
