import Images
import ActivationStore
import Foundation
import Plotting
import SinkAnalysis
import TestSupport
import XCTest
@testable import ReportKit

final class ReportBuilderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = temporaryDirectory("report-tests") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func config(_ store: URL, _ name: String = "report") -> ReportConfig {
        var c = ReportConfig(store: store, out: root.appendingPathComponent(name))
        c.progress = false
        return c
    }

    func document(_ summary: ReportSummary) throws -> ReportDocument {
        try JSONDecoder().decode(ReportDocument.self, from: Data(contentsOf: URL(fileURLWithPath: summary.json)))
    }

    // MARK: - The planted store

    func testReportEscapesTextAndReferencesOnlyLocalDecodablePNGs() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        let summary = try ReportBuilder(config(store)).build()
        let html = try String(contentsOfFile: summary.html, encoding: .utf8)

        XCTAssertFalse(html.contains(PlantedStore.hostile), "raw label or id reached the page")
        XCTAssertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        XCTAssertFalse(html.lowercased().contains("<script"))
        XCTAssertFalse(html.contains("http://"))
        XCTAssertFalse(html.contains("https://"))

        let doc = try document(summary)
        let sources = imageSources(html)
        XCTAssertEqual(sources.count, doc.figures.count)
        XCTAssertEqual(Set(sources), Set(doc.figures.map(\.file)))
        let directory = URL(fileURLWithPath: summary.directory)
        for figure in doc.figures {
            XCTAssertFalse(figure.file.contains(".."), figure.file)
            let png = try Data(contentsOf: directory.appendingPathComponent(figure.file))
            let decoded = try RGBImage(png: [UInt8](png))    // libgd
            XCTAssertEqual(decoded.width, figure.width, figure.file)
            XCTAssertEqual(decoded.height, figure.height, figure.file)
            XCTAssertFalse(figure.alt.isEmpty)
            XCTAssertFalse(figure.caption.isEmpty)
        }
        // Nothing but the report is left in the parent directory (no staging directory).
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("partial") }
        XCTAssertEqual(leftovers, [])
    }

    func testNumbersEqualTheLibrary() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        let summary = try ReportBuilder(config(store)).build()
        let doc = try document(summary)
        let reader = try StoreReader(url: store)
        XCTAssertEqual(reader.maskMethods, [], "the report must not write masks into the store")

        let library = try SinkDetection.run(store: reader, detector: NormThreshold(tau: .auto), rankDimensions: false,
                                            write: false, progress: false)
        XCTAssertEqual(doc.detection.source.origin, "computed")
        XCTAssertEqual(doc.detection.layers.map(\.layer), [0, 1, 2, 3, 4])
        XCTAssertEqual(doc.detection.layers.map(\.sinks), library.layers.map(\.sinks))
        XCTAssertEqual(doc.detection.layers.map(\.threshold), library.layers.map(\.threshold))
        XCTAssertEqual(doc.detection.layers.map(\.receivedRatio), library.layers.map(\.receivedRatio))
        // The planted truth: two sinks per image from layer 2 on, none before.
        XCTAssertEqual(doc.detection.layers.map(\.sinks.total), [0, 0, 16, 16, 16])
        XCTAssertEqual(doc.detection.sinksPerImage[2], [Int](repeating: 2, count: 8))
        XCTAssertEqual(doc.histograms.map(\.sinks), [0, 0, 16, 16, 16])
        XCTAssertEqual(doc.histograms[2].counts.reduce(0, +), 8 * 36)
        XCTAssertEqual(doc.detection.calibration.map(\.hasSeparateMode), [false, false, true, true, true])

        // Gallery sinks are the planted patches (token index − 1 prefix token).
        for image in doc.gallery.images {
            for patches in image.sinkPatches where !patches.isEmpty {
                XCTAssertEqual(patches, PlantedStore.sinks(image.index).map { $0 - 1 })
            }
        }
        let hostile = try XCTUnwrap(doc.gallery.images.first { $0.index == 0 })
        XCTAssertEqual(hostile.id, PlantedStore.hostile)
        XCTAssertNotNil(hostile.file, "image 0's PNG should be found and decoded")
        XCTAssertNil(doc.gallery.images.first { $0.index == 1 }?.file)

        // Norm–attention relation and persistence equal the library's.
        let relations = try SinkRelations.normAttention(store: reader)
        XCTAssertEqual(doc.normAttention.layers.map(\.spearman), relations.map(\.spearman))
        XCTAssertEqual(doc.crossLayer.persistence?.transitions.map(\.kept), [0, 0, 16, 16])
        XCTAssertEqual(doc.crossLayer.persistence?.firstSinkLayer, 2)
        // CKA: ones on the diagonal, symmetric.
        for i in 0..<5 {
            XCTAssertEqual(try XCTUnwrap(doc.crossLayer.cka[i][i]), 1, accuracy: 1e-12)
            for j in 0..<5 { XCTAssertEqual(doc.crossLayer.cka[i][j], doc.crossLayer.cka[j][i]) }
        }
        XCTAssertTrue(doc.headlines[0].hasPrefix("From layer 2 on, 2.0 patch tokens per image"), doc.headlines[0])
        XCTAssertTrue(doc.headlines.contains { $0.hasPrefix("CLS receives the most attention") }, "\(doc.headlines)")
        // Sinks get 8; the 34 other patches share 37 − 3 − 16 = 18: a ratio of 8 / (18 / 34) = 15.1.
        XCTAssertTrue(doc.headlines.contains { $0.hasPrefix("Sinks receive 15.1× the mean attention") }, "\(doc.headlines)")
        XCTAssertEqual(doc.pca.layer, 4)
        XCTAssertEqual(doc.pca.scatter?.groups.first { $0.name == "sinks" }?.x.count, 16)
    }

    func testStoredMasksAreUsedAsIs() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        let reader = try StoreReader(url: store)
        let detected = try SinkDetection.run(store: reader, detector: RelativeNorm(k: 5), rankDimensions: false, progress: false)
        var c = config(store)
        c.layers = [1, 3]
        c.method = "relative"
        let doc = try document(try ReportBuilder(c).build())
        XCTAssertEqual(doc.detection.source.origin, "stored")
        XCTAssertEqual(doc.detection.source.method, "relative")
        XCTAssertEqual(doc.store.layers, [1, 3])
        XCTAssertEqual(doc.detection.layers.map(\.sinks), detected.layers.filter { [1, 3].contains($0.layer) }.map(\.sinks))
        XCTAssertEqual(doc.crossLayer.cka.count, 2)
    }

    func testProbeResultsOfARealProbeRunAreShown() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        let spec = ProbeSpec(layers: .list([2, 4]), group: .cls, target: .label("shape"), probe: .logistic, folds: 2,
                             bootstrapResamples: 200)
        let run = try ProbeRun.run(spec, store: try StoreReader(url: store), showProgress: false)
        let probeDir = root.appendingPathComponent("probe")
        try ProbeRun.write(run, to: probeDir)
        var c = config(store)
        c.results = probeDir
        let summary = try ReportBuilder(c).build()
        let doc = try document(summary)
        XCTAssertEqual(doc.probes.kind, "probe")
        XCTAssertEqual(doc.probes.rows.map(\.layer), [2, 4])
        XCTAssertEqual(doc.probes.rows.map(\.score), run.results.map(\.score))
        XCTAssertEqual(doc.probes.rows.map(\.selectivity), run.results.map(\.selectivity))
        XCTAssertEqual(doc.probes.rows.map(\.lower), run.results.map(\.ciLower))
        XCTAssertTrue(doc.figures.contains { $0.file == "figures/probe-00.png" })
        XCTAssertTrue(doc.headlines.contains { $0.hasPrefix("Probe logistic for label:shape") }, "\(doc.headlines)")
        let html = try String(contentsOfFile: summary.html, encoding: .utf8)
        XCTAssertTrue(html.contains("selectivity"))
    }

    // MARK: - Degenerate stores

    func testStoreWithoutAttentionOrSinksExplainsWhatIsMissing() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store, attention: false, sinks: false)
        let summary = try ReportBuilder(config(store)).build()
        let html = try String(contentsOfFile: summary.html, encoding: .utf8)
        let doc = try document(summary)
        XCTAssertEqual(doc.detection.layers.map(\.sinks.total), [0, 0, 0, 0, 0])
        XCTAssertFalse(doc.normAttention.available)
        XCTAssertTrue(html.contains("The store has no received attention (it was extracted or imported without attention)"))
        XCTAssertTrue(html.contains("No layer&#39;s patch-token norms show a separate high-norm mode"))
        XCTAssertTrue(html.contains("No shown layer has sinks"))
        XCTAssertFalse(doc.figures.contains { $0.file.contains("attn") || $0.file.contains("attention") })
        XCTAssertEqual(doc.gallery.selection.hasPrefix("the first 4 images"), true)
    }

    // MARK: - Options and output

    func testBadOptionsAreOneSentence() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        var c = config(store)
        c.layers = [7]
        XCTAssertThrowsError(try ReportBuilder(c).build()) { error in
            XCTAssertEqual(error as? ReportError, .unknownLayer(store: store.path, layer: 7, available: [0, 1, 2, 3, 4]))
        }
        c = config(store)
        c.method = "magic"
        XCTAssertThrowsError(try ReportBuilder(c).build()) { XCTAssertTrue("\($0)".contains("--method 'magic'")) }
        c = config(store)
        c.results = root.appendingPathComponent("missing")
        XCTAssertThrowsError(try ReportBuilder(c).build()) { XCTAssertTrue("\($0)".contains("results.json")) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: c.out.path), "a failed build leaves no report")
    }

    func testOutputHoldingOtherFilesIsRefusedAndAnOldReportReplaced() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        var c = config(store, "busy")
        try FileManager.default.createDirectory(at: c.out, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: c.out.appendingPathComponent("thesis.tex"))
        XCTAssertThrowsError(try ReportBuilder(c).build()) { error in
            XCTAssertEqual(error as? ReportError, .outputNotReport(path: c.out.standardizedFileURL.path))
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: c.out.appendingPathComponent("thesis.tex").path))

        c = config(store, "again")
        c.galleryImages = 0
        _ = try ReportBuilder(c).build()
        c.galleryImages = 1
        let doc = try document(try ReportBuilder(c).build())
        XCTAssertEqual(doc.gallery.images.count, 1)
    }

    /// `src="…"` values of every `<img>`.
    func imageSources(_ html: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: "<img src=\"([^\"]*)\"")
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap {
            Range($0.range(at: 1), in: html).map { String(html[$0]) }
        }
    }
}
