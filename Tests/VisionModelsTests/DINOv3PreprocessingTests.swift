import Foundation
import Images
import TensorFiles
import TestSupport
import XCTest

@testable import VisionModels

/// DINOv3's preprocessing from image files against HF's `DINOv3ViTImageProcessor`, which transformers 5
/// runs on torchvision: rescale, then an antialiased bilinear resize of the float image, then ImageNet
/// normalisation. SinkScope takes the same path (`Preprocessor.resizeInFloat`) for DINOv3 folders; the
/// PIL-exact 8-bit path it uses for the PIL-based processors is bounded too, so docs/preprocessing.md's
/// numbers stay true.
final class DINOv3PreprocessingTests: XCTestCase {
    func testPixelsFromImageFilesEqualTheTorchvisionProcessor() throws {
        let modules = ["torch", "torchvision", "transformers", "safetensors", "PIL"]
        guard Python.canImport(modules) else { throw XCTSkip(Python.missing(modules)) }
        let folder = try RotaryTowersTests.build("dinov3")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("sinkscope-dinov3-pixels-\(UUID().uuidString)")
        defer { for url in [folder, out] { try? FileManager.default.removeItem(at: url) } }
        let photos = ["astronaut.png", "chelsea.png"].map { Fixtures.cache.appendingPathComponent("photos/\($0)").path }
            .filter { FileManager.default.fileExists(atPath: $0) }
        let script = Fixtures.repositoryRoot.appendingPathComponent("scripts/fixtures/dinov3_pixels.py").path
        let result = try Python.run([script, out.path] + photos)
        guard result.status == 0 else { throw XCTSkip("HF's DINOv3 processor failed: \(result.output.suffix(2000))") }
        let reference = try SafetensorsFile(url: out.appendingPathComponent("pixels.safetensors"))
        let model = try ModelFolder(url: folder).load()

        var report: [String] = []
        for size in [nil, InputSize(height: 160, width: 224)] {
            let preprocessor = try Extractor.preprocessor(folder: ModelFolder(url: folder), model: model, requested: size)
            XCTAssertTrue(preprocessor.resizeInFloat)
            XCTAssertEqual(preprocessor.resample, .bilinear)
            XCTAssertEqual(preprocessor.manifestEntry["resample"], "bilinear (float, no 8-bit rounding, as torchvision antialias)")
            var pil = preprocessor
            pil.resizeInFloat = false
            let names = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("images").path).sorted()
            XCTAssertGreaterThanOrEqual(names.count, 2)
            for name in names {
                let file = out.appendingPathComponent("images/\(name)")
                let image = try ImageDecoder().decode(contentsOf: file)
                let key = name + (size.map { "@\($0)" } ?? "")
                let expected = try reference.floats(key)
                let mine = try ImagePipeline(preprocessor: preprocessor).pixels(file)
                XCTAssertEqual(mine.count, expected.count, key)
                guard mine.count == expected.count else { continue }
                let float = zip(mine, expected).map { abs($0 - $1) }.max() ?? 0
                let rounded = zip(pil.pixels(image), expected).map { abs($0 - $1) }.max() ?? 0
                report.append(String(format: "%@: float %.1e, PIL 8-bit %.3f", key, float, rounded))
                XCTAssertLessThan(float, 1e-4, "\(key): SinkScope's float resize vs torchvision (float32 weights and sums there)")
                // The 8-bit path is one rounding step of 255 away at most: 1/255/0.225 = 0.0174.
                XCTAssertLessThan(rounded, 0.0175, "\(key): PIL-exact 8-bit resize vs torchvision")
            }
        }
        print("DINOv3ViTImageProcessor (torchvision) vs SinkScope, max |diff| after normalisation: " + report.joined(separator: "; "))
    }
}
