import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import XCTest
@testable import ReportKit

/// The report keeps no layer's norms or received attention: histograms are made while a layer is
/// loaded, the scatter and gallery read their tokens again block by block. These tests check that
/// this gives the numbers of the whole-layer arrays the report used to hold, on a store of three
/// shards (3 + 3 + 2 images), for block sizes that split shards, match them and exceed them.
final class ReportStreamingTests: XCTestCase {
    var root: URL!
    var store: URL!

    override func setUpWithError() throws {
        root = temporaryDirectory("report-streaming-tests")
        store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func report(blockImages: Int?, method: String? = nil, scatterPoints: Int = 3000) throws -> ReportDocument {
        var c = ReportConfig(store: store, out: root.appendingPathComponent("report-\(blockImages ?? 0)-\(method ?? "default")-\(scatterPoints)"))
        c.progress = false
        c.blockImages = blockImages
        c.method = method
        c.scatterPoints = scatterPoints
        let summary = try ReportBuilder(c).build()
        var doc = try JSONDecoder().decode(ReportDocument.self, from: Data(contentsOf: URL(fileURLWithPath: summary.json)))
        doc.seconds = 0
        return doc
    }

    func json(_ doc: ReportDocument) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(doc), as: UTF8.self)
    }

    func testReportIsTheSameForEveryBlockSize() throws {
        for (method, points) in [(nil, 3000), ("topk", 100), ("massive", 3000)] as [(String?, Int)] {
            let reference = try json(report(blockImages: nil, method: method, scatterPoints: points))
            for block in [1, 2, 3, 5] {
                XCTAssertEqual(try json(report(blockImages: block, method: method, scatterPoints: points)), reference,
                               "method \(method ?? "default"), \(block) images per block")
            }
        }
    }

    /// The old path, kept here as the reference: whole-layer `[n, T]` arrays, histogram and scatter
    /// drawn from them as the report did before it streamed.
    func testNumbersEqualTheWholeLayerArrays() throws {
        let reader = try StoreReader(url: store)
        let t = reader.model.tokens, p = reader.model.prefixTokens
        for points in [3000, 100] {
            let doc = try report(blockImages: 2, scatterPoints: points)
            for fact in doc.histograms {
                let norms = try reader.norms(layer: fact.layer)
                let (edges, counts) = histogram(LayerResult.patchNorms(norms, tokens: t, prefix: p), bins: 50)
                XCTAssertEqual(fact.edges, edges, "layer \(fact.layer)")
                XCTAssertEqual(fact.counts, counts, "layer \(fact.layer)")
                XCTAssertEqual(fact.counts.reduce(0, +), reader.images.count * (t - p))
            }
            let scatter = try XCTUnwrap(doc.normAttention.scatter)
            let l = scatter.layer
            let norms = try reader.norms(layer: l), received = try reader.received(layer: l)
            let library = try SinkDetection.mask(store: reader, detector: NormThreshold(tau: .auto), layer: l)
            var others: [Int] = [], sinks: [Int] = [], cls: [Int] = []
            for k in 0..<library.values.count {
                let token = k % t
                if library.values[k] != 0 { sinks.append(k) } else if token >= p { others.append(k) } else if token == 0 { cls.append(k) }
            }
            let drawn = TokenSample.draw(count: points, from: others.count, seed: 0).map { others[$0] }
            let expected = [("other patch tokens", drawn), ("CLS", cls), ("sinks", sinks)].map { name, ks in
                ScatterGroup(name: name, x: ks.map { norms[$0] }, y: ks.map { received[$0] })
            }
            XCTAssertEqual(scatter.groups, expected, "\(points) scatter points")
            XCTAssertEqual(scatter.groups[0].x.count, min(points, 8 * 36 - 16))
            XCTAssertEqual(scatter.groups[2].x.count, 16, "all planted sinks")
        }
    }
}
