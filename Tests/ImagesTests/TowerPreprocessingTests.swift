import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import Images

/// Every tower family and LVLM folder type against Hugging Face's own PIL image processors
/// (`SiglipImageProcessorPil`, `CLIPImageProcessorPil`, `LlavaNextImageProcessorPil`,
/// `LlavaOnevisionImageProcessorPil`, `GotOcr2ImageProcessorPil`; never the torchvision "fast" ones):
/// `scripts/fixtures/make_processor_pixels.py` runs them on the cached sample photos at test time with
/// the settings of the published checkpoints, and SinkScope must give the same float32 pixels from the
/// same `preprocessor_config.json` — and from its defaults at the tower's image size where they agree.
final class TowerPreprocessingTests: XCTestCase {
    struct Meta: Decodable {
        struct Photo: Decodable { let bytes: Int }
        struct Case: Decodable {
            let name: String
            let family: String?
            let tower: String
            let image_size: Int
            let processor: String
            let defaults_match: Bool
        }
        let photos: [String: Photo]
        let cases: [Case]
    }

    /// The reference pixels, made once for the whole class.
    static let reference: Result<URL, Error> = Result {
        try Python.require(["transformers", "PIL", "numpy"])
        let photos = Fixtures.cache.appendingPathComponent("photos")
        guard FileManager.default.fileExists(atPath: photos.appendingPathComponent("rocket.jpg").path) else {
            throw XCTSkip("\(photos.path) has no sample photos: run scripts/setup.sh")
        }
        let out = temporaryDirectory("processor-pixels")
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/make_processor_pixels.py").path
        let result = try Python.run([script, photos.path, out.path])
        guard result.status == 0 else {
            throw NSError(domain: "make_processor_pixels", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.output])
        }
        return out
    }

    func testEveryFolderTypeMatchesHuggingFacePixels() throws {
        let dir = try Self.reference.get()
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: dir.appendingPathComponent("meta.json")))
        XCTAssertEqual(Set(meta.cases.map(\.name)), [
            "siglip", "siglip_vision_model", "internvl_vision", "internvl", "llava", "llava_next", "llava_onevision", "paligemma",
        ])
        var worst: [String: Float] = [:]
        for c in meta.cases {
            let folder = dir.appendingPathComponent(c.name)
            let fromFile = try Preprocessor.tower(architecture: c.tower, lvlmFamily: c.family, imageSize: c.image_size, modelDirectory: folder)
            let defaults = try Preprocessor.tower(architecture: c.tower, lvlmFamily: c.family, imageSize: c.image_size, json: nil, source: "-")
            for photo in meta.photos.keys.sorted() {
                let image = try ImageDecoder().decode(contentsOf: Fixtures.cache.appendingPathComponent("photos/\(photo)"))
                let ref = try NPYReader.read(url: folder.appendingPathComponent((photo as NSString).deletingPathExtension + ".npy"))
                XCTAssertEqual(ref.shape, [3, c.image_size, c.image_size], "\(c.name) \(photo)")
                let mine = fromFile.pixels(image), expected = ref.floats()
                guard mine.count == expected.count else {
                    XCTFail("\(c.name) \(photo): \(mine.count) values, HF \(expected.count)")
                    continue
                }
                let diff = zip(mine, expected).map { abs($0 - $1) }.max() ?? .infinity
                worst[c.name] = max(worst[c.name] ?? 0, diff)
                XCTAssertLessThanOrEqual(diff, 1e-6, "\(c.name) \(photo): max |SinkScope - \(c.processor)|")
                if c.defaults_match {
                    XCTAssertEqual(defaults.pixels(image), mine, "\(c.name) \(photo): the defaults at image size \(c.image_size) differ from the checkpoint's file")
                }
            }
        }
        print("TowerPreprocessingTests: max |SinkScope - HF PIL processor| per case: \(worst.sorted { $0.key < $1.key })")
    }

    /// SigLIP2's bilinear file and the defaults (bicubic) must differ: the file is read, not ignored.
    func testConfiguredFilterIsUsed() throws {
        let dir = try Self.reference.get()
        let folder = dir.appendingPathComponent("siglip_vision_model")
        let p = try Preprocessor.tower(architecture: "SiglipVisionModel", lvlmFamily: nil, imageSize: 224, modelDirectory: folder)
        XCTAssertEqual(p.resample, .bilinear)
        XCTAssertEqual(Preprocessor.towerDefaults(for: .siglip, lvlmFamily: nil, imageSize: 224).resample, .bicubic)
    }

    // MARK: - Rules without Python

    func testDefaultsFollowTheTowerImageSize() {
        let clip = Preprocessor.towerDefaults(for: .clip, lvlmFamily: "llava", imageSize: 336)
        XCTAssertEqual(clip.size, .shortest(336))
        XCTAssertEqual(clip.cropSize, .exact(height: 336, width: 336))
        XCTAssertEqual(clip.imageMean, Preprocessor.clipMean)
        let next = Preprocessor.towerDefaults(for: .clip, lvlmFamily: "llava_next", imageSize: 336)
        XCTAssertEqual(next.size, .exact(height: 336, width: 336), "LLaVA-NeXT squashes its base image")
        let so400m = Preprocessor.towerDefaults(for: .siglip, lvlmFamily: nil, imageSize: 384)
        XCTAssertEqual(so400m.outputSize(width: 640, height: 480).width, 384)
        XCTAssertEqual(so400m.imageMean, [0.5, 0.5, 0.5])
        let onevision = Preprocessor.towerDefaults(for: .siglip, lvlmFamily: "llava_onevision", imageSize: 384)
        XCTAssertEqual(onevision.imageStd, [0.5, 0.5, 0.5])
        XCTAssertFalse(onevision.doCenterCrop)
        let intern = Preprocessor.towerDefaults(for: .internvl, lvlmFamily: "internvl", imageSize: 448)
        XCTAssertEqual(intern.size, .exact(height: 448, width: 448))
        XCTAssertEqual(intern.imageMean, Preprocessor.imagenetMean)
        // DINOv2's config says 518 but its processor crops 224.
        XCTAssertEqual(Preprocessor.towerDefaults(for: .dinov2, lvlmFamily: nil, imageSize: 518), Preprocessor.defaults(for: .dinov2))
    }

    func testLlavaNextShortestEdgeBecomesASquareBaseImage() throws {
        let json = Data(#"{"size": {"shortest_edge": 336}, "crop_size": {"height": 336, "width": 336}, "do_center_crop": true}"#.utf8)
        let p = try Preprocessor.tower(architecture: "CLIPVisionModel", lvlmFamily: "llava_next", imageSize: 336, json: json, source: "p.json")
        XCTAssertEqual(p.size, .exact(height: 336, width: 336))
        XCTAssertEqual(p.outputSize(width: 640, height: 480).height, 336)
        let llava = try Preprocessor.tower(architecture: "CLIPVisionModel", lvlmFamily: "llava", imageSize: 336, json: json, source: "p.json")
        XCTAssertEqual(llava.size, .shortest(336))
    }

    func testLlavaPadToSquareIsRefusedInOneSentence() {
        let json = Data(#"{"image_processor_type": "LlavaImageProcessor", "do_pad": true}"#.utf8)
        XCTAssertThrowsError(try Preprocessor.tower(architecture: "CLIPVisionModel", lvlmFamily: "llava", imageSize: 336, json: json, source: "/m/preprocessor_config.json")) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("/m/preprocessor_config.json") && text.contains("do_pad"), text)
        }
        // LLaVA-NeXT's do_pad pads the batch of tiles, not the base image: accepted.
        let next = Data(#"{"image_processor_type": "LlavaNextImageProcessor", "do_pad": true}"#.utf8)
        XCTAssertNoThrow(try Preprocessor.tower(architecture: "CLIPVisionModel", lvlmFamily: "llava_next", imageSize: 336, json: next, source: "p.json"))
    }
}
