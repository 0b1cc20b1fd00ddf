import XCTest

@testable import VisionModels

/// `extract` without `--batch` takes about `targetBatchRows` token rows per forward, 1 to 16 images.
final class ExtractionBatchSizeTests: XCTestCase {
    func testTheAutomaticBatchIsAbout2048TokenRowsClampedTo1Through16() {
        XCTAssertEqual(ExtractionConfig.targetBatchRows, 2048)
        let cases: [(tokens: Int, images: Int)] = [
            (577, 4),      // CLIP-L/336: 2048 / 577 = 3.55
            (257, 8),      // DINOv2-S/224: 7.97
            (1024, 2),     // Qwen2.5-VL at 448x448 (32 x 32 patches)
            (683, 3),      // 2.998 rounds up
            (820, 2),      // 2.498 rounds down
            (2048, 1), (5000, 1), (100_000, 1),
            (128, 16), (50, 16), (1, 16), (0, 16),
        ]
        for c in cases {
            XCTAssertEqual(ExtractionConfig.automaticBatchSize(tokens: c.tokens), c.images, "\(c.tokens) tokens")
        }
    }
}
