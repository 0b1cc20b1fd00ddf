import ActivationStore
import Foundation
import XCTest

@testable import VisionModels

/// `extract` without `--images-per-shard` writes about 64 MiB per shard, in whole batches when a
/// shard holds one, so no shard fills in the middle of the last batch with nothing left to hide its write.
final class ExtractionShardSizeTests: XCTestCase {
    func testShardsHoldWholeBatchesOfAbout64MiB() {
        let url = URL(fileURLWithPath: "/tmp/unused")
        let attention = ExtractionConfig(model: "m", images: url, output: url, receivedAttention: true)
        // DINOv2-S/224: T = 257; 13 layers of f16 hidden states, 13 norm rows and 12 received rows of f32:
        // 13·257·384·2 + 13·257·4 + 12·257·4 = 2,591,588 bytes, so 67,108,864 / 2,591,588 = 25.9 images.
        let dinov2 = ModelInfo(name: "d", architecture: "Dinov2Model", patchSize: 14, imageSize: 224, hiddenSize: 384, heads: 6,
                               layers: 12, prefixTokens: 1, grid: [16, 16])
        let cases: [(batch: Int, images: Int)] = [(8, 24), (5, 25), (7, 21), (1, 25), (25, 25), (26, 25), (32, 25)]
        for c in cases {
            XCTAssertEqual(Extractor.shardSize(info: dinov2, layers: 13, config: attention, batch: c.batch), c.images, "batch \(c.batch)")
        }
        // CLIP-L/336: 29.7 MB per image, 2 per shard; a batch of 4 spans two shards, which stay at 2.
        let clip = ModelInfo(name: "c", architecture: "CLIPVisionModel", patchSize: 14, imageSize: 336, hiddenSize: 1024, heads: 16,
                             layers: 24, prefixTokens: 1, grid: [24, 24])
        XCTAssertEqual(Extractor.shardSize(info: clip, layers: 25, config: attention, batch: 4), 2)
        XCTAssertEqual(Extractor.shardSize(info: clip, layers: 25, config: attention, batch: 2), 2)
        // Without received attention a DINOv2-S image is 2,579,252 bytes: 26 images, 24 in batches of 8.
        let plain = ExtractionConfig(model: "m", images: url, output: url)
        XCTAssertEqual(Extractor.shardSize(info: dinov2, layers: 13, config: plain, batch: 1), 26)
        XCTAssertEqual(Extractor.shardSize(info: dinov2, layers: 13, config: plain, batch: 8), 24)
    }
}
