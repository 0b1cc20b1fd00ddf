import Foundation
import TestSupport
import XCTest

@testable import VisionModels

/// Off the trained grid, position embeddings are resized as transformers 5.25 resizes them: tiny random
/// towers trained at 32×32 (a 4×4 grid of 8-pixel patches) run at 48×24 (6×3: rows grow, columns shrink)
/// and 16×16 (2×2), every layer against HF within max|diff|/max|ref| < 1e-4.
///
/// - InternViT: `interpolate(mode="bicubic", align_corners=False)`, always (as DINOv2).
/// - DINOv2 with registers: the same call with `antialias=True` (PyTorch's antialiased kernel, a = −0.5),
///   which differs even when growing; registers get no position.
/// - SigLIP: HF interpolates only with `interpolate_pos_encoding=True` (else it cannot run another size);
///   SinkScope does what that flag does.
final class PositionInterpolationTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(Python.canImport(TowerReference.modules), Python.missing(TowerReference.modules))
    }

    private func check(_ kind: String, pixels: String, pooled: Bool = false) throws {
        let folder = try TowerReference.build(kind, ["--pixels", pixels])
        defer { try? FileManager.default.removeItem(at: folder) }
        try TowerReference.compare(folder: folder, expectPooled: pooled)
    }

    func testInternViTOffGrid() throws {
        try check("internvl_vision", pixels: "48x24")
        try check("internvl_vision", pixels: "16x16")
    }

    func testDinov2WithRegistersAntialiasedOffGrid() throws {
        try check("dinov2_with_registers", pixels: "48x24")
        try check("dinov2_with_registers", pixels: "16x16")
    }

    func testSiglipAsWithInterpolatePosEncoding() throws {
        try check("siglip_vision_model", pixels: "48x24", pooled: true)
    }

    // MARK: - The antialiased kernel on constructed data

    /// Growing 2 → 4 by PyTorch's antialiased bicubic: centres 0.25, 0.75, 1.25, 1.75 (scale 0.5), Keys a = −0.5,
    /// normalised over the two inputs. Output 0: taps at distances 0.25 and 1.25 → weights ∝ (k(0.25), k(1.25)).
    func testAntialiasedWeightsGrowing() {
        func k(_ x: Double) -> Double { keysCubic(x, a: -0.5) }
        let w = antialiasedBicubicWeights(input: 2, output: 4)
        let total = k(0.25) + k(1.25)
        XCTAssertEqual(w[0], k(0.25) / total, accuracy: 1e-15)
        XCTAssertEqual(w[1], k(1.25) / total, accuracy: 1e-15)
        XCTAssertEqual(w[2 * 2 + 0], w[1 * 2 + 1], accuracy: 1e-15, "symmetric")
        for o in 0..<4 { XCTAssertEqual(w[o * 2] + w[o * 2 + 1], 1, accuracy: 1e-15) }
        XCTAssertNotEqual(w, bicubicWeights(input: 2, output: 4), "not the plain a = -0.75 kernel")
    }

    /// Shrinking 4 → 2 (scale 2): output 0 is centred at 1, support 4, taps 0...2 at (j − 1 + 0.5) / 2.
    func testAntialiasedWeightsShrinking() {
        func k(_ x: Double) -> Double { keysCubic(x, a: -0.5) }
        let w = antialiasedBicubicWeights(input: 4, output: 2)
        let raw = [k(-0.25), k(0.25), k(0.75), k(1.25)]
        let total = raw.reduce(0, +)
        for j in 0..<4 { XCTAssertEqual(w[j], raw[j] / total, accuracy: 1e-15, "tap \(j)") }
    }
}
