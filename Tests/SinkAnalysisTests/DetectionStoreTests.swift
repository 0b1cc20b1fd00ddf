import ActivationStore
import TensorFiles
import XCTest
import TestSupport
@testable import SinkAnalysis

/// Detection end to end on a small store written with the StoreWriter: masks are written under
/// `sink.{method}.{l}` and read back; relations come from the stored masks.
final class DetectionStoreTests: XCTestCase {
    /// Layers 0, 1, 2 of `PlantedLayer`'s 3 images: layer 0 has no sinks (the massive entries removed),
    /// layer 1 is the planted layer, layer 2 moves image 1's second sink from token 14 to token 15.
    func makeStore(received: Bool = true) throws -> URL {
        let directory = temporaryDirectory("detect-store")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("store")
        let model = ModelInfo(
            name: "planted", architecture: "vit", patchSize: 14, imageSize: 56, hiddenSize: 64, heads: 2, layers: 2,
            prefixTokens: 1, grid: [4, 4])
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1, 2], hiddenDType: .f32, imagesPerShard: 2)
        let planted = PlantedLayer.hidden()
        var layer0 = planted, layer2 = planted
        for s in PlantedLayer.sinks { layer0[(s.image * 17 + s.token) * 64 + 2] = 0.5 }
        layer0[(0 * 17 + 9) * 64 + 5] = 0.5
        layer2[(1 * 17 + 14) * 64 + 2] = 0.5
        layer2[(1 * 17 + 15) * 64 + 2] = PlantedLayer.massiveValue
        let r = PlantedLayer.received()
        let uniform = [Float](repeating: 1, count: 17)
        for i in 0..<3 {
            func rows(_ x: [Float]) -> [Float] { Array(x[(i * 17 * 64)..<((i + 1) * 17 * 64)]) }
            let ri = Array(r[(i * 17)..<((i + 1) * 17)])
            try writer.append(ImageActivations(
                image: ImageEntry(id: "img\(i)", source: "planted/\(i).png"),
                hidden: [0: rows(layer0), 1: rows(planted), 2: rows(layer2)],
                received: received ? [0: uniform, 1: ri, 2: ri] : nil))
        }
        try writer.commit()
        return url
    }

    func testDetectWritesMasksAndReadsThemBack() throws {
        let url = try makeStore()
        let store = try StoreReader(url: url)
        let report = try SinkDetection.run(store: store, detector: NormThreshold(tau: 100), progress: false)
        XCTAssertEqual(report.writtenKeys, ["sink.norm.0", "sink.norm.1", "sink.norm.2"])
        XCTAssertEqual(report.layers.map(\.sinks.total), [0, 6, 6])
        let reopened = try StoreReader(url: url)
        XCTAssertEqual(reopened.maskMethods, ["norm"])
        let mask1 = try reopened.mask(method: "norm", layer: 1)
        let expected = try NormThreshold(tau: 100).detect(PlantedLayer.layer()).values
        XCTAssertEqual(mask1, expected)
        XCTAssertEqual(reopened.manifest.masks["norm"]?.parameters, ["tau": "100", "include_prefix": "false"])
        XCTAssertEqual(try reopened.mask(method: "norm", layer: 0), [UInt8](repeating: 0, count: 51))
        XCTAssertEqual(report.layers[1].clsIsAttentionSink, false)
        XCTAssertEqual(report.layers[0].prefix[0].topReceiverShare, 1, "uniform attention: CLS ties and wins by index")
    }

    func testAutoThresholdRecordsPerLayerTau() throws {
        let store = try StoreReader(url: try makeStore())
        let report = try SinkDetection.run(store: store, detector: NormThreshold(tau: .auto), progress: false)
        XCTAssertEqual(report.layers.map(\.thresholdSource), ["none", "calibrated", "calibrated"])
        XCTAssertEqual(report.layers.map(\.sinks.total), [0, 6, 6])
        XCTAssertEqual(report.parameters["tau.0"], "none")
        XCTAssertNotNil(Double(report.parameters["tau.1"] ?? ""))
        XCTAssertTrue(report.table().contains("*: threshold calibrated on this layer."), report.table())
    }

    func testRelationsFromStoredMasks() throws {
        let store = try StoreReader(url: try makeStore())
        _ = try SinkDetection.run(store: store, detector: NormThreshold(tau: 100), progress: false)
        _ = try SinkDetection.run(store: store, detector: ReceivedAttentionThreshold(m: 2), layers: [1, 2], progress: false)
        let agreement = try SinkRelations.agreement(store: store, methods: ("norm", "attention"))
        XCTAssertEqual(agreement.layers.map(\.layer), [1, 2])
        XCTAssertEqual(agreement.layers[0].jaccard, 1)
        // Layer 2: norm moved one sink to token 15, attention still on 14: 5 shared of 7.
        XCTAssertEqual(agreement.layers[1].jaccard, 5.0 / 7)
        let persistence = try SinkRelations.persistence(store: store, method: "norm")
        XCTAssertEqual(persistence.firstSinkLayer, 1)
        XCTAssertEqual(persistence.transitions.map(\.share), [nil, 5.0 / 6])
        let relation = try SinkRelations.normAttention(store: store, mask: "norm", layers: [1])
        XCTAssertEqual(try XCTUnwrap(relation[0].receivedRatio), 4 / (6.0 / 14), accuracy: 1e-5)
        let dims = try SinkRelations.sinkDimensions(store: store, method: "norm")
        XCTAssertEqual(dims.layers.map(\.layer), [0, 1, 2])
        XCTAssertEqual(dims.layers[0].top, [])
        XCTAssertEqual(dims.recurring.first?.dimension, 2)
        XCTAssertEqual(dims.recurring.first?.layers, [1, 2])
        XCTAssertThrowsError(try SinkRelations.persistence(store: store, method: "topk")) { error in
            XCTAssertTrue("\(error)".contains("has no sink mask 'topk' (masks: [\"attention\", \"norm\"])"), "\(error)")
        }
    }

    /// Issue 18: an imported store without attention must not advise re-running extract.
    func testAttentionMethodOnImportedStoresSaysWhatToDo() throws {
        let directory = temporaryDirectory("detect-imported")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let dump = directory.appendingPathComponent("dump.safetensors")
        try SafetensorsWriter.write([("hidden_states", Tensor(floats: (0..<(3 * 2 * 5 * 4)).map { Float($0 % 7) }, shape: [3, 2, 5, 4]))], to: dump)
        var options = ImportOptions(inputs: [dump], output: directory.appendingPathComponent("store"))
        options.showProgress = false
        options.prefixTokens = 1
        _ = try Importer.run(options)
        let store = try StoreReader(url: options.output)
        XCTAssertThrowsError(try SinkDetection.run(store: store, detector: ReceivedAttentionThreshold(m: 2), progress: false)) { error in
            XCTAssertEqual(error as? DetectionError, .importedWithoutReceived(source: store.url.path, method: "attention", lvlm: false))
            XCTAssertFalse("\(error)".contains("extract"), "\(error)")
            XCTAssertTrue("\(error)".contains("re-import a dump that holds them"), "\(error)")
        }
        XCTAssertEqual(
            "\(DetectionError.importedWithoutReceived(source: "/s", method: "attention", lvlm: true))",
            "/s was imported from an LVLM dump, which holds no attention of the vision tower, so method 'attention' cannot run on it; "
                + "use --method norm, relative, topk or massive here (the LLM's attention to the visual tokens is read by `sinkscope pathway`), "
                + "or extract the tower itself with --attention.")
    }

    func testAttentionMethodOnStoreWithoutAttention() throws {
        let url = try makeStore(received: false)
        let store = try StoreReader(url: url)
        XCTAssertThrowsError(try SinkDetection.run(store: store, detector: ReceivedAttentionThreshold(m: 2), progress: false)) { error in
            XCTAssertEqual(
                "\(error)",
                "\(url.path) has no received attention for layer 0, which method 'attention' needs; re-run extract with --attention.")
        }
        XCTAssertEqual(try StoreReader(url: url).maskMethods, [], "nothing written after a failure")
        XCTAssertThrowsError(try SinkDetection.run(store: store, detector: ReceivedAttentionThreshold(m: 2), layers: [1], progress: false)) { error in
            XCTAssertEqual(error as? DetectionError, .missingReceived(source: url.path, layer: 1, method: "attention"))
        }
        XCTAssertThrowsError(try SinkDetection.run(store: store, detector: NormThreshold(tau: 100), layers: [5], progress: false)) { error in
            XCTAssertEqual("\(error)", "\(url.path) did not capture layer 5; captured layers are [0, 1, 2].")
        }
    }
}
