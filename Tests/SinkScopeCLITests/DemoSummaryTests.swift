import ActivationStore
import Foundation
import ReportKit
@testable import Workflow
import SinkAnalysis
import TestSupport
import XCTest

/// The demo's ten sentences are written from the numbers: checked on the bundled example dump,
/// whose planted sinks (one per image from block 2 on, dimension 7) are known, and on the same
/// store with the findings of a model without sinks.
final class DemoSummaryTests: XCTestCase {
    func findings() throws -> (DemoFindings, URL) {
        let directory = temporaryDirectory("demo-summary")
        let storeURL = directory.appendingPathComponent("store")
        _ = try CLI.output(["import", CLI.exampleDump, "--out", storeURL.path, "--quiet"])
        let store = try StoreReader(url: storeURL)
        func detect(_ d: any SinkDetector) throws -> DetectionReport {
            try SinkDetection.run(store: store, detector: d, write: false, progress: false)
        }
        let f = DemoFindings(
            model: store.model, photos: 4, synth: 0, extractSeconds: 1.5,
            calibrated: try detect(NormThreshold(tau: .auto)), relative: try detect(RelativeNorm(k: 3)),
            attention: try detect(ReceivedAttentionThreshold(m: 5)), massive: try detect(MassiveDimensions(abs: 100, ratio: 1000)),
            topNorm: try detect(TopKNorm(k: 1)), probes: [], page: "Reports/demo/index.html", totalSeconds: 12)
        return (f, directory)
    }

    func testSentencesFollowThePlantedSinks() throws {
        let (f, directory) = try findings()
        defer { try? FileManager.default.removeItem(at: directory) }
        let lines = DemoSummary.lines(f)
        XCTAssertEqual(lines.count, 10, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.allSatisfy { !$0.isEmpty })
        XCTAssertTrue(lines[0].hasPrefix("Model example_dump: 3 blocks, D = 32, 17 tokens (CLS + 4×4 patches); 4 photos"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("High-norm patch tokens: a separate high-norm mode at layers 2–3"), lines[1])
        XCTAssertTrue(lines[1].contains(", 1 per image on average"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("Relative norm: patch tokens above 3× the median patch norm at layers 2–3, 1 per image"), lines[2])
        XCTAssertTrue(lines[3].hasPrefix("Attention sink: CLS is not the top receiver"), lines[3])
        XCTAssertTrue(lines[4].hasPrefix("Patch attention sinks: patch tokens receive more than 5× the uniform share at layers 2–3 (most at layer 2: 1 per image)"), lines[4])
        XCTAssertTrue(lines[6].hasPrefix("Massive activations: none"), lines[6])
        XCTAssertTrue(lines[7].hasPrefix("Probes: no probe suite ran"), lines[7])
        XCTAssertTrue(lines[8].hasPrefix("CLS norm: from 0.94× the image's median patch norm (layer 2) to 0.98× (layer 1); CLS is not a high-norm outlier."), lines[8])
        XCTAssertEqual(lines[9], "Report: Reports/demo/index.html (finished in 12 s).")
    }

    func testSentencesForAModelWithoutSinks() throws {
        var (f, directory) = try findings()
        defer { try? FileManager.default.removeItem(at: directory) }
        // The calibrated and relative methods on layers 0-1 only: no mode, no sinks there.
        f.calibrated.layers = f.calibrated.layers.filter { $0.layer < 2 }
        f.relative.layers = f.relative.layers.filter { $0.layer < 2 }
        f.attention.layers = f.attention.layers.filter { $0.layer < 2 }
        f.probes = [
            ProbeHeadline(kind: "global", target: "texture", metric: "accuracy", layer: 9, bestGroup: "cls", bestScore: 0.91,
                          bestInterval: [0.85, 0.96], sinkGroup: "sinks_topk", sinkScore: 0.8, chance: 0.25),
            ProbeHeadline(kind: "local", target: "quadrant", metric: "accuracy", layer: 6, bestGroup: "patches", bestScore: 0.7,
                          sinkGroup: "cls", sinkScore: 0.3, chance: 0.25),
        ]
        let lines = DemoSummary.lines(f)
        XCTAssertEqual(lines.count, 10)
        XCTAssertTrue(lines[1].hasPrefix("High-norm patch tokens: none — norm calibration found no separate high-norm mode in any of the 2 layers (widest gap"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("Relative norm: no patch token exceeds 3× its image's median patch norm at any layer"), lines[2])
        XCTAssertTrue(lines[4].hasPrefix("Patch attention sinks: no patch token receives more than 5×"), lines[4])
        XCTAssertTrue(lines[5].hasPrefix("Norm vs attention: over patch tokens, the Spearman correlation of norm and received attention ranges from"), lines[5])
        XCTAssertEqual(lines[7], "Probe, global label 'texture': best from CLS, accuracy 0.91 [95% CI 0.85–0.96] at layer 9, chance 0.25; at that layer, the top-4 patches by norm: 0.80.")
        XCTAssertEqual(lines[8], "Probe, local label 'quadrant': best from the mean of all patches, accuracy 0.70 at layer 6, chance 0.25; at that layer, CLS: 0.30.")
    }

    func testLayerLists() {
        XCTAssertEqual(DemoSummary.layerList([2, 3, 4, 7, 9, 10]), "layers 2–4, 7, 9–10")
        XCTAssertEqual(DemoSummary.layerList([5]), "layer 5")
        XCTAssertEqual(DemoSummary.layerList([]), "no layer")
    }
}
