import ActivationStore
import Foundation
import TestSupport
import XCTest

@testable import SinkAnalysis

/// `detect` on a store with `value_norm` / `value_out` (`--capture values`): the medians of sinks, other
/// patches and CLS, on constructed data with known answers; `merge` carries the tensors and refuses to
/// mix stores with and without them.
final class DetectionValueTests: XCTestCase {
    static let model = ModelInfo(
        name: "constructed", architecture: "vit", patchSize: 14, imageSize: 28, hiddenSize: 4, heads: 2, layers: 1,
        prefixTokens: 1, grid: [2, 2])

    /// Two images of T = 5 tokens (CLS + 2×2 patches); token 2 has norm 200 (the sink), the rest norm 1.
    /// value_norm: CLS 0.5, sink 0.1, the other patches 1, 2, 3 (image 0) and 2, 3, 4 (image 1);
    /// value_out: CLS 7, sink 10, the other patches the same as their value norms.
    func makeStore(values: Bool = true, ids: [String] = ["a", "b"]) throws -> URL {
        let url = temporaryDirectory("detect-values").appendingPathComponent("store")
        addTeardownBlock { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
        let writer = try StoreWriter(url: url, model: Self.model, layers: [0, 1], hiddenDType: .f32, imagesPerShard: 1)
        for (i, id) in ids.enumerated() {
            var hidden = [Float](repeating: 0, count: 5 * 4)
            for token in 0..<5 { hidden[token * 4] = token == 2 ? 200 : 1 }
            let others: [Float] = i == 0 ? [1, 2, 3] : [2, 3, 4]
            let norms: [Float] = [0.5, others[0], 0.1, others[1], others[2]]
            let outputs: [Float] = [7, others[0], 10, others[1], others[2]]
            try writer.append(ImageActivations(
                image: ImageEntry(id: id, source: "\(id).png"), hidden: [0: hidden, 1: hidden],
                valueNorms: values ? [1: norms] : nil, valueOutputs: values ? [1: outputs] : nil))
        }
        try writer.commit()
        return url
    }

    func testDetectReportsValueMediansOfSinksOthersAndCLS() throws {
        let store = try StoreReader(url: try makeStore())
        XCTAssertEqual(store.manifest.valueLayers, [1])
        XCTAssertEqual(try store.valueNorms(layer: 1), [0.5, 1, 0.1, 2, 3, 0.5, 2, 0.1, 3, 4])
        let report = try SinkDetection.run(store: store, detector: NormThreshold(tau: 100), rankDimensions: false, progress: false)
        XCTAssertNil(report.layers[0].values, "layer 0 (the embeddings) has no attention")
        let v = try XCTUnwrap(report.layers[1].values)
        XCTAssertEqual(report.layers[1].sinks.total, 2)
        XCTAssertEqual(v.sinkValueNorm, Double(Float(0.1)))
        XCTAssertEqual(v.otherValueNorm, 2.5)        // median of 1, 2, 3, 2, 3, 4
        XCTAssertEqual(v.clsValueNorm, 0.5)
        XCTAssertEqual(v.sinkValueOut, 10)
        XCTAssertEqual(v.otherValueOut, 2.5)
        XCTAssertEqual(v.clsValueOut, 7)
        XCTAssertEqual(try XCTUnwrap(v.sinkOutputRatio), 4, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(v.clsOutputRatio), 2.8, accuracy: 1e-12)
        let table = report.table()
        XCTAssertTrue(table.contains("value norms and contributions"), table)
        let json = try report.json()
        XCTAssertTrue(json.contains("\"sinkOutputRatio\" : 4"), json)
        let decoded = try JSONDecoder().decode(DetectionReport.self, from: Data(json.utf8))
        XCTAssertEqual(decoded.layers[1].values, v)
    }

    func testStoresWithoutValuesReportNone() throws {
        let store = try StoreReader(url: try makeStore(values: false))
        XCTAssertNil(store.manifest.valueLayers)
        XCTAssertThrowsError(try store.valueNorms(layer: 1))
        let report = try SinkDetection.run(store: store, detector: NormThreshold(tau: 100), rankDimensions: false, progress: false)
        XCTAssertNil(report.layers[1].values)
        XCTAssertFalse(try report.json().contains("\"values\" :"))
    }

    func testMergeCarriesValuesAndRefusesToMixThem() throws {
        let a = try makeStore(ids: ["a", "b"]), b = try makeStore(ids: ["c", "d"]), plain = try makeStore(values: false, ids: ["e", "f"])
        let out = temporaryDirectory("merge-values").appendingPathComponent("merged")
        addTeardownBlock { try? FileManager.default.removeItem(at: out.deletingLastPathComponent()) }
        _ = try StoreMerger.merge(MergeConfig(inputs: [a, b], output: out, progress: false))
        let merged = try StoreReader(url: out)
        XCTAssertEqual(merged.manifest.valueLayers, [1])
        XCTAssertEqual(try merged.valueOutputs(layer: 1), [7, 1, 10, 2, 3, 7, 2, 10, 3, 4, 7, 1, 10, 2, 3, 7, 2, 10, 3, 4])
        let refused = temporaryDirectory("merge-values").appendingPathComponent("refused")
        XCTAssertThrowsError(try StoreMerger.merge(MergeConfig(inputs: [a, plain], output: refused, progress: false))) { error in
            XCTAssertTrue("\(error)".contains("value norms"), "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: refused.path))
    }
}
