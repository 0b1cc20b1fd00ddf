import Support
import Foundation
import TensorFiles
import TestSupport
import XCTest

@testable import Images

/// Preprocessing against Hugging Face's own PIL image processors (transformers 5.24,
/// `BitImageProcessorPil` for DINOv2, `CLIPImageProcessorPil`, `ViTImageProcessorPil`) on the
/// cached sample photos, and the config reading, crop and pass-through rules.
final class PreprocessorTests: XCTestCase {
    struct Meta: Decodable {
        struct Photo: Decodable { let bytes: Int; let width: Int; let height: Int }
        struct Case: Decodable { let photo: String; let architecture: String; let pixels: Bool; let pixels_dtype: String? }
        let photos: [String: Photo]
        let cases: [Case]
    }

    var photos: URL { Fixtures.cache.appendingPathComponent("photos") }

    func hfConfig(_ arch: Preprocessor.Architecture) throws -> Preprocessor {
        let url = Fixtures.url("images/preprocess/\(arch.rawValue)-preprocessor_config.json")
        return try Preprocessor.huggingFace(json: Data(contentsOf: url), source: url.path, architecture: arch)
    }

    /// The cached photo, or a skip when the cache is missing or holds a different file.
    func photo(_ name: String, _ meta: Meta) throws -> RGBImage {
        let url = photos.appendingPathComponent(name)
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        guard let size else { throw XCTSkip("\(url.path) missing: run scripts/setup.sh") }
        guard size == meta.photos[name]?.bytes else { throw XCTSkip("\(url.path) is not the photo the fixtures were made from") }
        return try ImageDecoder().decode(contentsOf: url)
    }

    // MARK: - Against Hugging Face + PIL

    func testSamplePhotosMatchHuggingFaceProcessors() throws {
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: Fixtures.url("images/preprocess/meta.json")))
        for c in meta.cases {
            let image = try photo(c.photo, meta)
            let arch = try XCTUnwrap(Preprocessor.Architecture(name: c.architecture))
            let pre = try hfConfig(arch)
            let stem = (c.photo as NSString).deletingPathExtension
            // Resized + cropped 8-bit pixels: identical to PIL (0 levels of 255).
            let ref = try NPYReader.read(url: Fixtures.url("images/preprocess/\(stem).\(arch.rawValue).geometry.npy"))
            let g = pre.geometry(image)
            XCTAssertEqual([g.height, g.width, 3], ref.shape, "\(c.photo) \(arch)")
            let diffs = zip(g.pixels, ref.uint8s()).map { abs(Int($0) - Int($1)) }
            XCTAssertEqual(diffs.max(), 0, "\(c.photo) \(arch): max |SinkScope - PIL| = \(diffs.max() ?? -1)")
            guard c.pixels else { continue }
            // Final tensor [3, 224, 224]: float32 references exactly, float16 ones to their precision.
            let pixels = try NPYReader.read(url: Fixtures.url("images/preprocess/\(stem).\(arch.rawValue).pixels.npy"))
            XCTAssertEqual(pixels.shape, [3, 224, 224])
            let tolerance: Float = c.pixels_dtype == "f4" ? 1e-6 : 2e-3
            assertClose(pre.pixels(image), pixels.floats(), absolute: tolerance, relative: 0, "\(c.photo) \(arch)")
        }
    }

    func testJPEGDecodingMatchesPIL() throws {
        let meta = try JSONDecoder().decode(Meta.self, from: Data(contentsOf: Fixtures.url("images/preprocess/meta.json")))
        let image = try photo("rocket.jpg", meta)
        let ref = try NPYReader.read(url: Fixtures.url("images/preprocess/rocket.decoded-patch.npy")).uint8s()
        var maxDiff = 0
        for y in 0..<64 {
            for x in 0..<64 {
                let p = image[150 + x, 200 + y], i = (y * 64 + x) * 3
                maxDiff = max(maxDiff, abs(Int(p.r) - Int(ref[i])), abs(Int(p.g) - Int(ref[i + 1])), abs(Int(p.b) - Int(ref[i + 2])))
            }
        }
        XCTAssertLessThanOrEqual(maxDiff, 1, "libgd vs PIL JPEG decoding (0 on the development machine)")
    }

    /// Every cached photo x {dinov2, clip, vit} against PIL, when `make_image_fixtures.py
    /// --all-photos` has written the references into the cache. Prints the numbers that
    /// docs/preprocessing.md reports.
    func testAllCachedPhotosMatchPILWhenReferencesExist() throws {
        let dir = Fixtures.cache.appendingPathComponent("pil-reference")
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: dir.path), !files.isEmpty else {
            throw XCTSkip("no \(dir.path): run scripts/fixtures/make_image_fixtures.py --all-photos")
        }
        let photoFiles = try FileManager.default.contentsOfDirectory(atPath: photos.path)
        var compared = 0, maxDiff = 0, sumDiff = 0, values = 0
        var decoded: [String: RGBImage] = [:]
        for file in files.sorted() where file.hasSuffix(".geometry.npy") {
            let parts = file.split(separator: ".").map(String.init)  // stem.arch.geometry.npy
            guard parts.count == 4, let arch = Preprocessor.Architecture(name: parts[1]),
                let photoName = photoFiles.first(where: { ($0 as NSString).deletingPathExtension == parts[0] })
            else { continue }
            let image = try decoded[photoName] ?? ImageDecoder().decode(contentsOf: photos.appendingPathComponent(photoName))
            decoded[photoName] = image
            let ours = Preprocessor.defaults(for: arch).geometry(image).pixels
            let ref = try NPYReader.read(url: dir.appendingPathComponent(file)).uint8s()
            XCTAssertEqual(ours.count, ref.count, file)
            let d = zip(ours, ref).map { abs(Int($0) - Int($1)) }
            maxDiff = max(maxDiff, d.max() ?? 0)
            sumDiff += d.reduce(0, +)
            values += d.count
            compared += 1
        }
        print("PIL comparison: \(compared) photo x processor cases, max |diff| = \(maxDiff), mean |diff| = \(Double(sumDiff) / Double(max(values, 1))) (0-255 units)")
        XCTAssertGreaterThan(compared, 0)
        XCTAssertEqual(maxDiff, 0)
    }

    // MARK: - Defaults and configs

    func testArchitectureDefaultsEqualHuggingFaceConfigs() throws {
        // siglip and internvl have no saved HF processor config fixture yet (issue 14, preprocessing step).
        for arch in Preprocessor.Architecture.allCases where arch != .siglip && arch != .internvl {
            var fromFile = try hfConfig(arch)
            fromFile.source = "defaults:\(arch.rawValue)"
            XCTAssertEqual(Preprocessor.defaults(for: arch), fromFile, arch.rawValue)
        }
        XCTAssertEqual(try Preprocessor.defaults(architecture: "Dinov2Model").source, "defaults:dinov2")
        XCTAssertEqual(try Preprocessor.defaults(architecture: "clip_vision_model").source, "defaults:clip")
        XCTAssertThrowsError(try Preprocessor.defaults(architecture: "resnet")) { error in
            XCTAssertEqual(error as? ImageError, .unknownArchitecture(name: "resnet", known: ["dinov2", "clip", "vit", "siglip", "internvl"]))
        }
    }

    func testLegacyIntegerSizesFollowTheArchitecture() throws {
        let legacy = Data(#"{"size": 336, "crop_size": 336, "do_center_crop": true, "resample": 3}"#.utf8)
        let clip = try Preprocessor.huggingFace(json: legacy, source: "c.json", architecture: .clip)
        XCTAssertEqual(clip.size, .shortest(336))
        XCTAssertEqual(clip.cropSize, .exact(height: 336, width: 336))
        let vit = try Preprocessor.huggingFace(json: Data(#"{"size": 384}"#.utf8), source: "v.json", architecture: .vit)
        XCTAssertEqual(vit.size, .exact(height: 384, width: 384))
        XCTAssertEqual(vit.resample, .bilinear)
    }

    func testBadConfigFieldsAreNamed() {
        let cases: [(String, String)] = [
            (#"{"size": {"longest_edge": 10}}"#, "size"),
            (#"{"size": {"shortest_edge": -3}}"#, "size"),
            (#"{"resample": 0}"#, "resample"),
            (#"{"image_std": [0.5, 0, 0.5]}"#, "image_std"),
            (#"{"image_mean": [0.5, 0.5]}"#, "image_mean"),
            (#"{"do_resize": "yes"}"#, "do_resize"),
            (#"{"crop_size": {"shortest_edge": 224}}"#, "crop_size"),
            (#"[1, 2]"#, "(file)"),
            (#"{"size": "#, "(file)"),
        ]
        for (json, field) in cases {
            XCTAssertThrowsError(try Preprocessor.huggingFace(json: Data(json.utf8), source: "/m/preprocessor_config.json", architecture: .dinov2), json) { error in
                guard case .badPreprocessorConfig("/m/preprocessor_config.json", let f, _)? = error as? ImageError else { return XCTFail("\(error)") }
                XCTAssertEqual(f, field, json)
                XCTAssertTrue("\(error)".hasPrefix("/m/preprocessor_config.json: field '\(field)'"), "\(error)")
            }
        }
    }

    func testLoadUsesTheFolderConfigOrDefaults() throws {
        let dir = temporaryDirectory()
        XCTAssertEqual(try Preprocessor.load(modelDirectory: dir, architecture: "vit"), Preprocessor.defaults(for: .vit))
        try Data(#"{"size": {"shortest_edge": 300}}"#.utf8).write(to: dir.appendingPathComponent("preprocessor_config.json"))
        let p = try Preprocessor.load(modelDirectory: dir, architecture: "dinov2")
        XCTAssertEqual(p.size, .shortest(300))
        XCTAssertEqual(p.cropSize, .exact(height: 224, width: 224))
        XCTAssertTrue(p.source.hasSuffix("preprocessor_config.json"))
    }

    func testCodableUsesHuggingFaceKeys() throws {
        let p = Preprocessor.defaults(for: .dinov2)
        let json = String(decoding: try JSONEncoder().encode(p), as: UTF8.self)
        for key in ["\"shortest_edge\":256", "\"do_center_crop\":true", "\"resample\":3", "\"pass_through_at_target_size\":true"] {
            XCTAssertTrue(json.contains(key), "\(key) in \(json)")
        }
        XCTAssertEqual(try JSONDecoder().decode(Preprocessor.self, from: Data(json.utf8)), p)
        XCTAssertEqual(p.manifestEntry["resize"], "shortest_edge=256")
        XCTAssertEqual(p.manifestEntry["center_crop"], "224x224")
    }

    // MARK: - Geometry rules

    func testShortestEdgeSizesTruncateLikeHuggingFace() {
        let p = Preprocessor.defaults(for: .dinov2)
        XCTAssertEqual(p.resizedSize(width: 451, height: 300).width, 384)  // int(256 * 451 / 300) = int(384.85)
        XCTAssertEqual(p.resizedSize(width: 451, height: 300).height, 256)
        XCTAssertEqual(p.resizedSize(width: 427, height: 640).width, 256)
        XCTAssertEqual(p.resizedSize(width: 427, height: 640).height, 383)  // int(256 * 640 / 427) = int(383.7)
        XCTAssertEqual(p.outputSize(width: 427, height: 640).width, 224)
    }

    func testImageAtTargetSizePassesThroughUnchanged() throws {
        var rng = SeededGenerator(seed: 1)
        let raw = (0..<(224 * 224 * 3)).map { _ in UInt8(rng.below(256)) }
        let image = try RGBImage(width: 224, height: 224, pixels: raw)
        let p = Preprocessor.defaults(for: .dinov2)
        XCTAssertEqual(p.geometry(image), image)
        let x = p.pixels(image)
        XCTAssertEqual(x.count, 3 * 224 * 224)
        let mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225]
        for (c, i) in [(0, 0), (1, 777), (2, 224 * 224 - 1)] {
            let expected = (Double(raw[i * 3 + c]) / 255 - mean[c]) / std[c]
            XCTAssertEqual(Double(x[c * 224 * 224 + i]), expected, accuracy: 1e-5)
        }
        // With pass-through off, HF's path upsizes to 256 and crops: the pixels change.
        var hf = p
        hf.passThroughAtTargetSize = false
        XCTAssertNotEqual(hf.geometry(image), image)
        XCTAssertEqual([hf.geometry(image).width, hf.geometry(image).height], [224, 224])
    }

    func testCenterCropPadsLikeHuggingFace() throws {
        // 100 wide, 300 tall, no resize, crop 224: HF pads 62 black columns left and right
        // and takes rows (300 - 224) // 2 = 38 ..< 262.
        var p = Preprocessor.defaults(for: .dinov2)
        p.doResize = false
        let image = RGBImage(width: 100, height: 300, fill: RGB(200, 100, 50))
        let g = p.geometry(image)
        XCTAssertEqual([g.width, g.height], [224, 224])
        XCTAssertTrue(g[61, 100] == .black && g[162, 100] == .black)
        XCTAssertTrue(g[62, 100] == RGB(200, 100, 50) && g[161, 100] == RGB(200, 100, 50))
        XCTAssertEqual(Preprocessor.floorHalf(-23), -12)  // Python: -23 // 2
    }
}
