import VisionModels
import XCTest

@testable import Benchmarks

/// `ForwardGEMMs` on shapes small enough to count by hand.
final class ForwardGEMMsTests: XCTestCase {
    /// One plain block, full attention, 1 CLS + 2×2 patches (T = 5), D = 8, H = 2 (hd = 4), I = 16,
    /// K = 3·2·2 = 12, one image:
    ///   patch 2·4·8·12 = 768; qkv 2·5·24·8 = 1920; output 2·5·8·8 = 640; fc1 2·5·16·8 = 1280;
    ///   fc2 2·5·8·16 = 1280; QKᵀ 2·5·5·4 · 2 heads = 400; PV 2·5·4·5 · 2 heads = 400.  Sum 6688.
    func testOnePlainBlockByHand() {
        let g = ForwardGEMMs(batch: 1, tokens: 5, patches: 4, patchValues: 12, hidden: 8, heads: 2, intermediate: 16,
                             gated: false, windowSizes: [[5]])
        XCTAssertEqual(g.flopsPerImage, 6688)
        XCTAssertEqual(g.shapes.first, GEMMShape(m: 4, n: 8, k: 12))
        XCTAssertTrue(g.shapes.contains(GEMMShape(m: 5, n: 5, k: 4, calls: 2)))
    }

    /// A Qwen-like description: Conv3d patches (Tp = 2, P = 2, so K = 24), no prefix, a 4×4 grid
    /// (T = 16), D = 8, H = 2, gated MLP I = 4, block 0 in 2×2 windows, block 1 full, merger to 6,
    /// batch 2. Per batch:
    ///   patch 2·32·8·24 = 12288
    ///   per block: qkv 2·32·24·8 = 12288, output 2·32·8·8 = 4096, gate|up 2·32·8·8 = 4096, down 2·32·8·4 = 2048; ×2 = 45056
    ///   block 0: 4 windows of 4 tokens, 2 images × 2 heads: (2·4·4·4 + 2·4·4·4) · 16 = 4096
    ///   block 1: T = 16, 4 calls each: (2·16·16·4 + 2·16·4·16) · 4 = 16384
    ///   merger: 2·8·32·32 = 16384 and 2·8·6·32 = 3072
    /// Sum 97280 per batch, 48640 per image.
    func testWindowedGatedTowerWithMergerByHand() {
        let spec = ArchitectureDescription(
            architecture: "test", hiddenSize: 8, heads: 2, layers: 2, intermediateSize: 4, patchSize: 2, imageSize: 8, channels: 3,
            embedding: EmbeddingDescription(patch: .conv3d(temporalPatch: 2, bias: true), prefix: .none, positions: .rotary2D(theta: 10000)),
            block: BlockDescription(norm: Norm(.rmsNorm, eps: 1e-6), activation: .silu, mlp: .gated,
                                    attention: .windowed(window: 2, fullAttentionBlocks: [1])),
            finalNorm: nil)
        let g = ForwardGEMMs(spec: spec, gridRows: 4, gridCols: 4, batch: 2, mergerOutputs: 6)
        XCTAssertEqual(g.flopsPerImage, 48640)
        XCTAssertEqual(ForwardGEMMs(spec: spec, gridRows: 4, gridCols: 4, batch: 2).flopsPerImage, 48640 - (16384 + 3072) / 2)
    }

    /// Windows tile from the top-left; the last row and column are smaller; the prefix is one group.
    func testWindowTiling() {
        XCTAssertEqual(ForwardGEMMs.windowTokens(prefix: 0, gridRows: 5, gridCols: 3, window: 2), [4, 2, 4, 2, 2, 1])
        XCTAssertEqual(ForwardGEMMs.windowTokens(prefix: 1, gridRows: 2, gridCols: 2, window: 4), [1, 4])
    }

    /// The measured limit is positive and its fraction scales with the rate.
    func testGEMMLimitIsMeasured() {
        let g = ForwardGEMMs(batch: 1, tokens: 5, patches: 4, patchValues: 12, hidden: 8, heads: 2, intermediate: 16,
                             gated: false, windowSizes: [[5]])
        let limit = GEMMLimit.measure(g, threads: 1, rounds: 1, secondsPerRound: 0.001)
        XCTAssertGreaterThan(limit.secondsPerImage, 0)
        XCTAssertEqual(limit.fraction(of: limit.imagesPerSecond / 2), 0.5, accuracy: 1e-9)
    }
}
