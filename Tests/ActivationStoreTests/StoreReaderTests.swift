import ActivationStore
import Foundation
import TestSupport
import XCTest

final class StoreReaderTests: XCTestCase {
    func testReadsTouchOnlyTheShardsThatHoldTheRequestedImages() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 6, perShard: 2)
        // Damage shard 2 (images 4, 5): reads of images 0...3 must not open it.
        try Data([1, 2, 3]).write(to: url.appendingPathComponent("shard-00002.safetensors"))
        let store = try StoreReader(url: url)
        XCTAssertEqual(try store.hidden(layer: 4, images: [3, 0]), Synthetic.hidden(3, 4) + Synthetic.hidden(0, 4))
        XCTAssertThrowsError(try store.hidden(layer: 4, images: [5])) {
            XCTAssertTrue("\($0)".contains("shard-00002.safetensors: the file is truncated"), "\($0)")
        }
    }

    func testShardWhoseShapesDisagreeWithTheManifestIsReported() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 2, perShard: 2)
        try SafetensorsWriter.write([("hidden.0", Tensor(floats: [Float](repeating: 0, count: 10), shape: [2, 5]))],
                                    to: url.appendingPathComponent("shard-00000.safetensors"))
        XCTAssertThrowsError(try StoreReader(url: url).hidden(layer: 0)) {
            XCTAssertTrue("\($0)".contains("'hidden.0' has shape [2, 5], expected [2, 7, 5]"), "\($0)")
        }
        XCTAssertThrowsError(try StoreReader(url: url).hidden(layer: 2)) { XCTAssertTrue("\($0)".contains("no tensor 'hidden.2'"), "\($0)") }
    }
}
