import Foundation
import TestSupport
import XCTest

@testable import Images

final class ImagePipelineTests: XCTestCase {
    func testPixelsAreDecodePlusPreprocess() throws {
        let url = Fixtures.url("images/resample/source.png")
        let pipeline = ImagePipeline(preprocessor: Preprocessor.defaults(for: .clip))
        let x = try pipeline.pixels(url)
        XCTAssertEqual(x.count, 3 * 224 * 224)
        XCTAssertEqual(x, Preprocessor.defaults(for: .clip).pixels(try ImageDecoder().decode(contentsOf: url)))
    }

    func testBadFilesBecomeSkippedEntries() {
        let url = Fixtures.url("images/bad/truncated.jpg")
        XCTAssertThrowsError(try ImagePipeline(preprocessor: .defaults(for: .dinov2)).pixels(url)) { error in
            guard let e = error as? ImageError, e.isBadImageFile else { return XCTFail("\(error)") }
            let skipped = SkippedImage(id: "truncated", error: e)
            XCTAssertEqual(skipped.path, url.path)
            XCTAssertTrue(skipped.reason.contains("truncated JPEG"), skipped.reason)
        }
    }

    func testParallelDecodingKeepsEachThreadsLibgdMessages() throws {
        // libgd's error callback is process-wide; the messages must reach the thread whose
        // decode produced them (the truncated JPEG is only detected through its warning).
        let good = [UInt8](try Data(contentsOf: Fixtures.url("images/decode/photo.jpg")))
        let bad = [UInt8](try Data(contentsOf: Fixtures.url("images/bad/truncated.jpg")))
        /// Outcomes by iteration; the lock makes the shared array safe to fill from many threads.
        final class Outcomes: @unchecked Sendable {
            private let lock = NSLock()
            private(set) var values = [Int](repeating: -1, count: 64)
            func set(_ i: Int, _ v: Int) { lock.lock(); values[i] = v; lock.unlock() }
        }
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 64) { i in
            do {
                _ = try ImageDecoder().decode(data: i % 2 == 0 ? good : bad, source: "\(i)")
                outcomes.set(i, 0)
            } catch ImageError.truncated {
                outcomes.set(i, 1)
            } catch {
                outcomes.set(i, 2)
            }
        }
        XCTAssertEqual(outcomes.values, (0..<64).map { $0 % 2 })
    }
}
