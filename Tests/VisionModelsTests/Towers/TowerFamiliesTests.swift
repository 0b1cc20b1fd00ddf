import Foundation
import TestSupport
import XCTest

@testable import VisionModels

/// Every tower family and LVLM folder type against transformers 5.25 itself: tiny random models built
/// at test time, every layer's hidden states and received attention (and SigLIP's pooled output)
/// within max|diff|/max|ref| < 1e-4.
final class TowerFamiliesTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(Python.canImport(TowerReference.modules), Python.missing(TowerReference.modules))
    }

    private func check(_ kind: String, _ arguments: [String] = [], pooled: Bool = false, architecture: String) throws {
        let folder = try TowerReference.build(kind, arguments)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try ModelFolder(url: folder).load().spec.architecture, architecture)
        try TowerReference.compare(folder: folder, expectPooled: pooled)
    }

    func testSiglipVisionModel() throws { try check("siglip_vision_model", pooled: true, architecture: "SiglipVisionModel") }
    func testSiglipFullModelF16() throws { try check("siglip", ["--dtype", "f16"], pooled: true, architecture: "SiglipVisionModel") }
    func testDinov2WithRegisters() throws { try check("dinov2_with_registers", architecture: "Dinov2WithRegistersModel") }
    func testInternViTLayerNorm() throws { try check("internvl_vision", architecture: "InternVLVisionModel") }
    func testInternViTRMSNormAndQKNorm() throws { try check("internvl_vision_rms", ["--shard-size", "20KB"], architecture: "InternVLVisionModel") }
    func testLLaVANext() throws { try check("llava_next", ["--dtype", "bf16"], architecture: "CLIPVisionModel") }
    func testLLaVAOneVision() throws { try check("llava_onevision", ["--shard-size", "40KB"], pooled: true, architecture: "SiglipVisionModel") }
    func testPaliGemma() throws { try check("paligemma", ["--dtype", "f16"], pooled: true, architecture: "SiglipVisionModel") }
    func testPaliGemmaHubLayout() throws { try check("paligemma", ["--layout", "hub"], pooled: true, architecture: "SiglipVisionModel") }
    func testInternVL() throws { try check("internvl", ["--shard-size", "40KB"], architecture: "InternVLVisionModel") }
}
