import ActivationStore
import Foundation
import TestSupport
import XCTest
@testable import ReportKit

/// Formatting, image lookup and probe-results reading.
final class ReportPartsTests: XCTestCase {
    func testLayerRunsAndRanges() {
        let all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
        XCTAssertEqual(Format.layers([2, 3, 4, 9], in: all), "2–4 and 9")
        XCTAssertEqual(Format.layers([0, 4, 8], in: [0, 4, 8]), "0–8")
        XCTAssertEqual(Format.layers([1, 5, 7, 8], in: all), "1, 5 and 7–8")
        XCTAssertEqual(Format.layerPhrase([7], in: all), "layer 7")
        XCTAssertEqual(Format.range([7.94, 9.21], Format.times), "7.9–9.2×")
        XCTAssertEqual(Format.range([0.5, 0.5], Format.percent), "50%")
        XCTAssertEqual(Format.percent(0.004), "0.4%")
        XCTAssertEqual(Format.num(nil), "–")
        XCTAssertEqual(Format.num(.nan), "–")
    }

    func testPreprocessingIsReadBackFromTheManifestEntry() throws {
        let (p, _) = GalleryImageSource.preprocessor(
            ["resize": "shortest_edge=256", "center_crop": "224x224", "resample": "bicubic (PIL-exact fixed point)",
             "pass_through_at_target_size": "true"], architecture: "imported")
        let pre = try XCTUnwrap(p)
        XCTAssertEqual(pre.size.shortestEdge, 256)
        XCTAssertEqual(pre.cropSize.height, 224)
        XCTAssertTrue(pre.doCenterCrop)
        XCTAssertEqual(pre.resample, .bicubic)
        XCTAssertEqual(pre.outputSize(width: 640, height: 480).width, 224)
        XCTAssertNil(GalleryImageSource.preprocessor(nil, architecture: "imported").0)
        XCTAssertNotNil(GalleryImageSource.preprocessor(nil, architecture: "dinov2").0)
    }

    func testImageIdsNeverBecomePaths() throws {
        let dir = temporaryDirectory("gallery-lookup")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StoreReaderStub.make(in: dir)
        let source = GalleryImageSource(store: store, imagesDirectory: dir)
        let candidates = source.candidateFiles(ImageEntry(id: "../../etc/passwd", source: ""))
        XCTAssertTrue(candidates.isEmpty, "\(candidates)")
        let named = source.candidateFiles(ImageEntry(id: "cat", source: "/elsewhere/cat.jpg")).map(\.lastPathComponent)
        XCTAssertEqual(Array(named.prefix(3)), ["cat.jpg", "cat.jpg", "cat"])
    }

    func testGalleryDecodesTheSourceAndFallsBackToAPlaceholder() throws {
        let dir = temporaryDirectory("gallery-decode")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StoreReaderStub.make(in: dir)
        let png = dir.appendingPathComponent("half.png")
        try Data(try PlantedStore.testPNG()).write(to: png)
        let source = GalleryImageSource(store: store, imagesDirectory: nil)
        let found = source.load(ImageEntry(id: "half", source: png.path))
        XCTAssertEqual(found.file, png.path)
        XCTAssertEqual([found.image.width, found.image.height], [84, 84])
        XCTAssertEqual(found.image[10, 40].r, 220)              // red left half
        XCTAssertEqual(found.image[70, 40].b, 220)              // blue right half
        let missing = source.load(ImageEntry(id: "gone", source: dir.appendingPathComponent("gone.png").path))
        XCTAssertNil(missing.file)
        XCTAssertEqual(missing.image[0, 0].r, 190)
        XCTAssertTrue(missing.note?.contains("placeholder") ?? false)
        let notImage = source.load(ImageEntry(id: "manifest", source: store.url.appendingPathComponent("manifest.json").path))
        XCTAssertTrue(notImage.note?.contains("could not be decoded") ?? false)
    }

    func testUnreadableProbeResultsAreOneSentence() throws {
        let dir = temporaryDirectory("probe-results")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("[{\"group\": \"cls\"}]".utf8).write(to: dir.appendingPathComponent("results.json"))
        XCTAssertThrowsError(try ProbeResultsReader.read(dir)) { XCTAssertTrue("\($0)".contains("neither a sinkscope probe nor a probe suite")) }
        try Data("not json".utf8).write(to: dir.appendingPathComponent("results.json"))
        XCTAssertThrowsError(try ProbeResultsReader.read(dir)) { XCTAssertTrue("\($0)".contains("not valid JSON")) }
    }
}

/// A one-image store, for the parts that need a `StoreReader`.
enum StoreReaderStub {
    static func make(in dir: URL) throws -> StoreReader {
        let url = dir.appendingPathComponent("stub-store")
        let model = ModelInfo(name: "stub", architecture: "imported", patchSize: 0, imageSize: 0, hiddenSize: 2, heads: 0, layers: 0,
                              prefixTokens: 1, grid: [1, 1])
        let writer = try StoreWriter(url: url, model: model, layers: [0], hiddenDType: .f32)
        try writer.append(ImageActivations(image: ImageEntry(id: "only", source: ""), hidden: [0: [1, 2, 3, 4]]))
        try writer.commit()
        return try StoreReader(url: url)
    }
}
