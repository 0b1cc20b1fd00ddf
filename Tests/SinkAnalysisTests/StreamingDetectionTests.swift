import ActivationStore
import Foundation
import Support
import XCTest
import TestSupport
@testable import SinkAnalysis

/// `detect` reads a layer block by block (within shards) and spools its masks; these tests check
/// that every method gives, to the last bit, the masks and the summary of the whole-layer path.
final class StreamingDetectionTests: XCTestCase {
    static let grid = 4, prefix = 2, dims = 64, images = 7
    static var tokens: Int { prefix + grid * grid }

    /// 7 images in shards of 3 (3, 3, 1), CLS + 1 register, 16 patches, D = 64. Layer 0 has no
    /// outliers; layers 1 and 2 have two sink patches per image whose dimension 2 is 300 (a
    /// massive activation, norm ~300 against ~0.4), at positions that vary by image; image 4 of
    /// layer 2 has two equal-norm patches at the top-k boundary (a tie). Received attention sums to T.
    func makeStore() throws -> URL {
        let directory = temporaryDirectory("streaming-detect")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("store")
        var model = ModelInfo(
            name: "planted", architecture: "vit", patchSize: 14, imageSize: 56, hiddenSize: Self.dims, heads: 2, layers: 2,
            prefixTokens: Self.prefix, grid: [Self.grid, Self.grid])
        model.registers = 1
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1, 2], hiddenDType: .f32, imagesPerShard: 3)
        var rng = SeededGenerator(seed: 17)
        let t = Self.tokens, d = Self.dims
        for i in 0..<Self.images {
            var hidden: [Int: [Float]] = [:], received: [Int: [Float]] = [:]
            for l in 0...2 {
                var x = (0..<(t * d)).map { _ in Float.random(in: -0.1...0.1, using: &rng) }
                if l > 0 {
                    for sink in [Self.prefix + (i * 5) % 16, Self.prefix + (i * 5 + 7) % 16] { x[sink * d + 2] = 300 + Float(i) }
                }
                if l == 2, i == 4 {
                    // Tokens 10 and 11 get the same, third-highest-norm hidden state: a tie at k = 3.
                    for c in 0..<d { x[10 * d + c] = 0; x[11 * d + c] = 0 }
                    x[10 * d + 5] = 50; x[11 * d + 5] = 50
                }
                hidden[l] = x
                var r = (0..<t).map { _ in Float.random(in: 0.2...1, using: &rng) }
                if l > 0 { r[0] *= 8 }
                let scale = Float(t) / r.reduce(0, +)
                received[l] = r.map { $0 * scale }
            }
            try writer.append(ImageActivations(
                image: ImageEntry(id: "img\(i)", source: "planted/\(i).png"), hidden: hidden, received: received))
        }
        try writer.commit()
        return url
    }

    static let detectors: [any SinkDetector] = [
        NormThreshold(tau: .auto), NormThreshold(tau: 10), NormThreshold(tau: 10, includePrefix: true), RelativeNorm(k: 3),
        TopKNorm(k: 3), ReceivedAttentionThreshold(m: 2), MassiveDimensions(), SinkDimensionScore(tau: 5),
        SinkDimensionScore(dimensions: [2, 5], tau: 5),
    ]

    func testStreamedDetectionEqualsWholeLayerDetection() throws {
        let url = try makeStore()
        for detector in Self.detectors {
            for blockImages in [1, 2, nil] {
                let store = try StoreReader(url: url)
                let (expected, masks) = try SinkDetection.runInMemory(store: store, detector: detector)
                let streamed = try SinkDetection.stream(
                    store: store, detector: detector, layers: nil, rankDimensions: true, write: true, progress: false,
                    blockImages: blockImages)
                let label = "\(detector.name) \(detector.parameters) blocks of \(blockImages.map(String.init) ?? "a shard")"
                XCTAssertEqual(streamed.layers, expected.layers, label)
                XCTAssertEqual(streamed.parameters, expected.parameters, label)
                let reopened = try StoreReader(url: url)
                for (l, mask) in masks { XCTAssertEqual(try reopened.mask(method: detector.name, layer: l), mask, "\(label) layer \(l)") }
                XCTAssertEqual(reopened.manifest.masks[detector.name]?.parameters, expected.parameters, label)
            }
        }
    }

    /// A suite's or the pathway's mask of one layer, read block by block, is the whole-layer mask.
    func testLayerMaskEqualsWholeLayerDetection() throws {
        let store = try StoreReader(url: try makeStore())
        for detector in Self.detectors {
            for l in store.layers where !detector.inputs.contains(.received) || store.manifest.receivedLayers.contains(l) {
                let whole = try detector.detect(try SinkDetection.load(store: store, layer: l, hidden: true))
                for blockImages in [1, 2, nil] {
                    let streamed = try SinkDetection.mask(store: store, detector: detector, layer: l, blockImages: blockImages)
                    let label = "\(detector.name) \(detector.parameters) layer \(l) blocks of \(blockImages.map(String.init) ?? "a shard")"
                    XCTAssertEqual(streamed, whole, label)
                }
            }
        }
    }

    /// Sink-dimension discovery from stored masks sums block by block: equal to ranking whole layers.
    func testSinkDimensionsFromMasksEqualWholeLayerRanking() throws {
        let store = try StoreReader(url: try makeStore())
        _ = try SinkDetection.run(store: store, detector: TopKNorm(k: 2), progress: false)
        let discovery = SinkDimensionDiscovery()
        let streamed = try SinkRelations.sinkDimensions(store: store, method: "topk", discovery: discovery)
        let whole = try store.layers.map { l in
            try discovery.rank(
                layer: l, hidden: try store.hidden(layer: l), mask: try store.mask(method: "topk", layer: l),
                tokenCount: Self.tokens, hiddenSize: Self.dims, prefixTokens: Self.prefix)
        }
        XCTAssertEqual(streamed, discovery.summarize(method: "topk", whole))
        XCTAssertEqual(streamed.layers[1].top.first?.dimension, 2)
    }

    /// The planted data exercise what they should: calibration with and without a mode, ties,
    /// discovered dimensions, massive hits, prefix summaries with a register.
    func testPlantedStoreExercisesEveryPath() throws {
        let store = try StoreReader(url: try makeStore())
        let auto = try SinkDetection.run(store: store, detector: NormThreshold(tau: .auto), write: false, progress: false)
        XCTAssertEqual(auto.layers.map(\.thresholdSource), ["none", "calibrated", "calibrated"])
        XCTAssertEqual(auto.layers.map(\.sinks.total), [0, 14, 16], "layer 2: the two tied 50-norm patches are outliers too")
        let topk = try SinkDetection.stream(
            store: store, detector: TopKNorm(k: 3), layers: nil, rankDimensions: true, write: false, progress: false, blockImages: 1)
        XCTAssertEqual(topk.layers[2].notes, [SinkCriterion.tieNote(layer: 2, images: [4])])
        let sinkdim = try SinkDetection.run(store: store, detector: SinkDimensionScore(tau: 5), write: false, progress: false)
        XCTAssertEqual(sinkdim.layers[1].dimensions.map(\.dimension), [2])
        XCTAssertEqual(sinkdim.layers[1].dimensions.first?.tokens, 14)
        let massive = try SinkDetection.run(store: store, detector: MassiveDimensions(), write: false, progress: false)
        XCTAssertEqual(massive.layers[1].dimensions, [DimensionHit(dimension: 2, tokens: 14, peak: 306)])
        XCTAssertEqual(massive.layers[1].topSinkDimensions.first?.dimension, 2)
        XCTAssertEqual(auto.layers[1].prefix.map(\.role), ["cls", "register 1"])
        XCTAssertNotNil(auto.layers[1].registers)
    }

    /// A failing detection leaves no spool directory and no mask files behind, and the store as it was.
    func testFailureLeavesStoreUnchanged() throws {
        let url = try makeStore()
        let store = try StoreReader(url: url)
        _ = try SinkDetection.run(store: store, detector: TopKNorm(k: 2), progress: false)
        let before = try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
        XCTAssertThrowsError(try SinkDetection.run(store: store, detector: TopKNorm(k: 40), progress: false))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.path).sorted(), before)
        XCTAssertEqual(try StoreReader(url: url).manifest.masks["topk"]?.parameters["k"], "2")
    }
}
