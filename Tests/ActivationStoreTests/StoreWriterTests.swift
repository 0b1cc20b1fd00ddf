import ActivationStore
import Foundation
import TestSupport
import XCTest

final class StoreWriterTests: XCTestCase {
    func testThreeShardsReadBackIdenticalTensors() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 7, perShard: 3, attention: [4])
        let store = try StoreReader(url: url)
        XCTAssertEqual(store.manifest.shards.map(\.count), [3, 3, 1])
        XCTAssertEqual(store.manifest.shards.map(\.file), ["shard-00000.safetensors", "shard-00001.safetensors", "shard-00002.safetensors"])
        XCTAssertEqual(store.images.map(\.id), (0..<7).map { "img\($0)" })
        XCTAssertEqual(store.images[3].labels, ["class": "odd"])
        XCTAssertEqual(store.layers, [0, 2, 4])
        XCTAssertEqual(store.model, Synthetic.model)
        for l in [0, 2, 4] {
            XCTAssertEqual(try store.hidden(layer: l), (0..<7).flatMap { Synthetic.hidden($0, l) }, "layer \(l)")
            assertClose(try store.norms(layer: l), (0..<7).flatMap { Synthetic.norms($0, l) }, absolute: 0, relative: 1e-6)
        }
        for l in [2, 4] { XCTAssertEqual(try store.received(layer: l), (0..<7).flatMap { Synthetic.received($0, l) }) }
        XCTAssertEqual(try store.attention(layer: 4), (0..<7).flatMap { Synthetic.attention($0, 4) })
    }

    /// Encoding each image's layers on several workers (the extractor's last batch) writes the same
    /// bytes as one worker, and an out-of-range value is still reported with its layer.
    func testEncodingThreadsWriteTheSameShards() throws {
        let one = temporaryDirectory().appendingPathComponent("one"), three = temporaryDirectory().appendingPathComponent("three")
        try Synthetic.writeStore(at: one, count: 5, layers: [0, 1, 2, 3, 4], perShard: 2, attention: [4])
        try Synthetic.writeStore(at: three, count: 5, layers: [0, 1, 2, 3, 4], perShard: 2, attention: [4], encodingThreads: 3)
        for shard in try StoreReader(url: one).manifest.shards.map(\.file) {
            let a = try Data(contentsOf: one.appendingPathComponent(shard)), b = try Data(contentsOf: three.appendingPathComponent(shard))
            XCTAssertEqual(a, b, shard)
        }
        let writer = try StoreWriter(url: temporaryDirectory().appendingPathComponent("big"), model: Synthetic.model, layers: [0, 2, 4])
        writer.encodingThreads = 2
        var activations = Synthetic.activations(0, layers: [0, 2, 4])
        activations.hidden[2]![3] = 70_000
        XCTAssertThrowsError(try writer.append(activations)) { XCTAssertTrue("\($0)".contains("hidden.2 holds 70000.0, beyond the f16 range"), "\($0)") }
    }

    func testImagesInAnyOrderAcrossShards() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 7, perShard: 2, dtype: .f32)
        let store = try StoreReader(url: url)
        let order = [6, 0, 1, 2, 5, 4, 4]
        XCTAssertEqual(try store.hidden(layer: 2, images: order), order.flatMap { Synthetic.hidden($0, 2) })
        XCTAssertEqual(try store.received(layer: 4, images: [3]), Synthetic.received(3, 4))
        XCTAssertEqual(try store.hidden(layer: 0, images: []), [])
        XCTAssertThrowsError(try store.hidden(layer: 0, images: [7])) { XCTAssertTrue("\($0)".contains("outside the store's 7 images"), "\($0)") }
    }

    func testNormRowsOfUncapturedLayersAreNaN() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 2)
        let store = try StoreReader(url: url)
        let norms = try store.norms(images: [1])  // [1, L+1, T]
        let t = Synthetic.model.tokens
        XCTAssertEqual(norms.count, 5 * t)
        for l in 0...4 {
            let row = Array(norms[(l * t)..<((l + 1) * t)])
            if [0, 2, 4].contains(l) { assertClose(row, Synthetic.norms(1, l), absolute: 0, relative: 1e-6) } else { XCTAssertTrue(row.allSatisfy(\.isNaN)) }
        }
        XCTAssertThrowsError(try store.norms(layer: 1)) { XCTAssertTrue("\($0)".contains("token norms for layer 1 is not in the store (available layers: 0, 2, 4)"), "\($0)") }
    }

    func testForEachShardStreamsShardByShard() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 7, perShard: 3)
        var seen: [Range<Int>] = []
        try StoreReader(url: url).forEachShard { slice in
            seen.append(slice.imageRange)
            XCTAssertEqual(try slice.hidden(layer: 4), slice.imageRange.flatMap { Synthetic.hidden($0, 4) })
            XCTAssertEqual(slice.images.map(\.id), slice.imageRange.map { "img\($0)" })
        }
        XCTAssertEqual(seen, [0..<3, 3..<6, 6..<7])
    }

    func testManifestUsesSnakeCaseKeys() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 1)
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url.appendingPathComponent("manifest.json"))) as! [String: Any]
        XCTAssertEqual(json["format"] as? String, "sinkscope-store")
        XCTAssertEqual(json["version"] as? Int, 1)
        XCTAssertEqual(json["hidden_dtype"] as? String, "F16")
        XCTAssertEqual(json["captured_layers"] as? [Int], [0, 2, 4])
        XCTAssertEqual(json["received_layers"] as? [Int], [2, 4])
        let model = json["model"] as! [String: Any]
        XCTAssertEqual(model["prefix_tokens"] as? Int, 1)
        XCTAssertEqual(model["hidden_size"] as? Int, 5)
        let shard = (json["shards"] as! [[String: Any]])[0]
        XCTAssertEqual(shard["first_image"] as? Int, 0)
    }

    func testInvalidActivationsAreRejectedWithTheImageAndProblem() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        let writer = try StoreWriter(url: url, model: Synthetic.model, layers: [0, 2])
        var a = Synthetic.activations(0, layers: [0])
        XCTAssertThrowsError(try writer.append(a)) { XCTAssertTrue("\($0)".contains("image 'img0'") && "\($0)".contains("layers [0]"), "\($0)") }
        a = Synthetic.activations(0, layers: [0, 2])
        a.hidden[2]!.removeLast()
        XCTAssertThrowsError(try writer.append(a)) { XCTAssertTrue("\($0)".contains("hidden.2 has 34 values, expected T×D = 7×5 = 35"), "\($0)") }
        a = Synthetic.activations(0, layers: [0, 2])
        a.hidden[0]![3] = 1e6
        XCTAssertThrowsError(try writer.append(a)) { XCTAssertTrue("\($0)".contains("beyond the f16 range"), "\($0)") }
        try writer.append(Synthetic.activations(0, layers: [0, 2]))
        XCTAssertThrowsError(try writer.append(Synthetic.activations(0, layers: [0, 2]))) { XCTAssertTrue("\($0)".contains("occurs twice"), "\($0)") }
        XCTAssertThrowsError(try writer.append(Synthetic.activations(1, layers: [0, 2], received: [2]))) {
            XCTAssertTrue("\($0)".contains("received attention is given for layers [2] but the store holds it for []"), "\($0)")
        }
        XCTAssertThrowsError(try StoreWriter(url: url, model: Synthetic.model, layers: [5])) { XCTAssertTrue("\($0)".contains("subset of 0...4"), "\($0)") }
    }
}
