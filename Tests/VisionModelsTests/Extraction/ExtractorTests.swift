import Images
import ActivationStore
import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// End to end: image files → forward → store, on the tiny ViT fixture (fast) and real photos.
final class ExtractorTests: XCTestCase {
    private var photos: URL { Fixtures.cache.appendingPathComponent("photos") }

    /// A copy of the tiny ViT folder with a preprocessor config for its 32×32 input, and a directory
    /// with three real photos and one file that is not an image.
    private func makeInputs() throws -> (model: URL, images: URL, root: URL) {
        for name in ["astronaut.png", "chelsea.png", "rocket.jpg"] {
            try XCTSkipUnless(FileManager.default.fileExists(atPath: photos.appendingPathComponent(name).path),
                              "\(photos.path) is missing sample photos: run scripts/setup.sh")
        }
        let root = temporaryDirectory()
        let fm = FileManager.default
        let model = root.appendingPathComponent("tiny-vit"), images = root.appendingPathComponent("images")
        try fm.createDirectory(at: model, withIntermediateDirectories: true)
        try fm.createDirectory(at: images, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors"] {
            try fm.copyItem(at: Fixtures.url("models/tiny-vit/\(file)"), to: model.appendingPathComponent(file))
        }
        try Data(#"{"do_resize": true, "size": {"height": 32, "width": 32}, "resample": 2, "do_rescale": true, "rescale_factor": 0.00392156862745098, "do_normalize": true, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}"#.utf8)
            .write(to: model.appendingPathComponent("preprocessor_config.json"))
        for name in ["astronaut.png", "chelsea.png", "rocket.jpg"] {
            try fm.copyItem(at: photos.appendingPathComponent(name), to: images.appendingPathComponent(name))
        }
        return (model, images, root)
    }

    func testExtractsSkipsBadFilesResumesAndMatchesTheForwardPass() throws {
        let (model, images, root) = try makeInputs()
        defer { try? FileManager.default.removeItem(at: root) }
        try Data("not an image".utf8).write(to: images.appendingPathComponent("broken.png"))
        let labels = root.appendingPathComponent("labels.csv")
        try Data("image,kind\nastronaut,person\nchelsea,cat\nrocket,vehicle\nbroken,none\n".utf8).write(to: labels)
        let store = root.appendingPathComponent("store")
        var config = ExtractionConfig(
            model: model.path, images: images, output: store, labels: labels, receivedAttention: true, hiddenDType: .f32,
            batchSize: 2, threads: 2, skipBad: true, progress: false)

        let summary = try Extractor.run(config)
        XCTAssertEqual(summary.extracted, 3)
        XCTAssertEqual(summary.skipped.map(\.id), ["broken"])
        XCTAssertEqual(summary.layers, [0, 1, 2])
        XCTAssertEqual(summary.tokens, 17)

        let reader = try StoreReader(url: store)
        XCTAssertEqual(reader.images.map(\.id), ["astronaut", "chelsea", "rocket"])
        XCTAssertEqual(reader.images.map { $0.labels["kind"] }, ["person", "cat", "vehicle"])
        XCTAssertEqual(reader.model.architecture, "ViTModel")
        XCTAssertEqual(reader.model.grid, [4, 4])
        XCTAssertEqual(reader.manifest.preprocessing?["resize"], "32x32")

        // The stored activations are the forward pass of the pipeline's pixels (up to BLAS summation
        // order: the extraction ran batches of 2, this runs one batch of 3).
        let vit = try ModelFolder(url: model).load()
        let pipeline = ImagePipeline(preprocessor: try Preprocessor.load(modelDirectory: model, architecture: "vit"))
        let pixels = try ["astronaut.png", "chelsea.png", "rocket.jpg"].flatMap { try pipeline.pixels(images.appendingPathComponent($0)) }
        let direct = try vit.forward(pixels: pixels, images: 3, height: 32, width: 32, capture: .all(layers: 2))
        for l in 0...2 {
            XCTAssertLessThan(maxRelativeError(try reader.hidden(layer: l), direct.flatMap { $0.hidden[l]! }), 1e-5, "hidden.\(l)")
        }
        XCTAssertLessThan(maxRelativeError(try reader.received(layer: 2), direct.flatMap { $0.received[2]! }), 1e-5)

        // Rerunning resumes: nothing new to do. Adding an image extracts only that one.
        config.skipBad = true
        XCTAssertEqual(try Extractor.run(config).alreadyStored, 3)
        try FileManager.default.copyItem(at: photos.appendingPathComponent("coffee.png"), to: images.appendingPathComponent("coffee.png"))
        try Data("image,kind\nastronaut,person\nchelsea,cat\nrocket,vehicle\nbroken,none\ncoffee,drink\n".utf8).write(to: labels)
        let again = try Extractor.run(config)
        XCTAssertEqual(again.extracted, 1)
        XCTAssertEqual(again.storeImages, 4)
        XCTAssertEqual(try StoreReader(url: store).images.last?.id, "coffee")
    }

    func testABadFileWithoutSkipBadStopsWithItsNameAndKeepsFinishedBatches() throws {
        let (model, images, root) = try makeInputs()
        defer { try? FileManager.default.removeItem(at: root) }
        // Sorted by name: astronaut, chelsea | rocket, zz-broken — the second batch fails.
        try Data([0x89, 0x50, 0x4E, 0x47]).write(to: images.appendingPathComponent("zz-broken.png"))
        let store = root.appendingPathComponent("store")
        let config = ExtractionConfig(model: model.path, images: images, output: store, batchSize: 2, threads: 1, progress: false)
        XCTAssertThrowsError(try Extractor.run(config)) { error in
            XCTAssertTrue("\(error)".contains("zz-broken.png"), "\(error)")
        }
        XCTAssertEqual(try StoreReader(url: store).images.map(\.id), ["astronaut", "chelsea"])
    }

    /// Every batch after the first is decoded beside the previous forward (`BatchPrefetcher`): a bad
    /// file there is skipped like one in the first batch, and the store keeps the list's order.
    func testABadFileInAPrefetchedBatchIsSkippedInOrder() throws {
        let (model, images, root) = try makeInputs()
        defer { try? FileManager.default.removeItem(at: root) }
        // Sorted by name: astronaut | bb-broken | chelsea | rocket, one image per batch.
        try Data("not an image".utf8).write(to: images.appendingPathComponent("bb-broken.png"))
        let store = root.appendingPathComponent("store")
        let config = ExtractionConfig(model: model.path, images: images, output: store, hiddenDType: .f32, batchSize: 1, threads: 2,
                                      skipBad: true, progress: false)
        let summary = try Extractor.run(config)
        XCTAssertEqual(summary.extracted, 3)
        XCTAssertEqual(summary.skipped.map(\.id), ["bb-broken"])
        let reader = try StoreReader(url: store)
        XCTAssertEqual(reader.images.map(\.id), ["astronaut", "chelsea", "rocket"])
        // The last stored image is rocket's own forward (the prefetched pixels went to the right image).
        let vit = try ModelFolder(url: model).load()
        let pipeline = ImagePipeline(preprocessor: try Preprocessor.load(modelDirectory: model, architecture: "vit"))
        let rocket = try vit.forward(pixels: try pipeline.pixels(images.appendingPathComponent("rocket.jpg")), images: 1, height: 32, width: 32,
                                     capture: .all(layers: 2))
        XCTAssertLessThan(maxRelativeError(try reader.hidden(layer: 2, images: [2]), rocket[0].hidden[2]!), 1e-5)
        XCTAssertGreaterThan(maxRelativeError(try reader.hidden(layer: 2, images: [1]), rocket[0].hidden[2]!), 1e-2)
    }

    func testLayerOutsideTheModelIsRejectedBeforeAnythingIsWritten() throws {
        let (model, images, root) = try makeInputs()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = root.appendingPathComponent("store")
        let config = ExtractionConfig(model: model.path, images: images, output: store, layers: [0, 5], progress: false)
        XCTAssertThrowsError(try Extractor.run(config)) { error in
            XCTAssertEqual("\(error)", "Invalid model input: layer 5 does not exist; ViTModel has hidden states 0...2.")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: store.path))
    }

    /// The issue's second acceptance check: SinkScope's own decoding + preprocessing of the fixture
    /// photos against the numpy/PIL pixels the onnxruntime reference was computed from.
    /// Tolerance: one 8-bit level after normalisation (1/255/0.224 ≈ 0.0175) for any value, and a
    /// mean absolute difference below 1e-3 (the resampler is PIL-exact, so nearly all values agree).
    func testDINOv2PreprocessingMatchesTheReferencePixels() throws {
        let fixture = try SafetensorsFile(url: Fixtures.url("models/dinov2_reference.safetensors"))
        let names = try JSONDecoder().decode([String].self, from: Data((fixture.metadata["photos"] ?? "[]").utf8))
        for name in names {
            try XCTSkipUnless(FileManager.default.fileExists(atPath: photos.appendingPathComponent(name).path), "run scripts/setup.sh")
        }
        let pipeline = ImagePipeline(preprocessor: Preprocessor.defaults(for: .dinov2))
        let mine = try names.flatMap { try pipeline.pixels(photos.appendingPathComponent($0)) }
        let reference = try fixture.floats("pixels")
        XCTAssertEqual(mine.count, reference.count)
        var maxDiff: Float = 0, sum: Double = 0
        for i in 0..<mine.count {
            let d = abs(mine[i] - reference[i])
            maxDiff = max(maxDiff, d)
            sum += Double(d)
        }
        XCTAssertLessThanOrEqual(maxDiff, 1 / 255 / 0.224 + 1e-5)
        XCTAssertLessThan(sum / Double(mine.count), 1e-3)
        print(String(format: "DINOv2 preprocessing vs PIL reference: max |diff| %.2e, mean |diff| %.2e", maxDiff, sum / Double(mine.count)))
    }
}
