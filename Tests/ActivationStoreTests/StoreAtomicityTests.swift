import ActivationStore
import Foundation
import TestSupport
import XCTest

/// An interrupted write leaves the previous complete store or nothing.
final class StoreAtomicityTests: XCTestCase {
    func testWriterThatThrowsMidwayLeavesNoStore() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        do {
            let writer = try StoreWriter(url: url, model: Synthetic.model, layers: [0, 2], imagesPerShard: 2)
            for i in 0..<5 { try writer.append(Synthetic.activations(i, layers: [0, 2])) }  // two shards on disk
            XCTAssertTrue(FileManager.default.fileExists(atPath: url.appendingPathComponent("shard-00001.safetensors").path))
            var broken = Synthetic.activations(5, layers: [0, 2])
            broken.hidden[2] = []
            XCTAssertThrowsError(try writer.append(broken))
            // The producer gives up without committing.
        }
        XCTAssertThrowsError(try StoreReader(url: url)) { XCTAssertTrue("\($0)".contains("not a SinkScope store"), "\($0)") }
        // The abandoned writer removed its shards; nothing looks like a store.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: url.path), [])
    }

    func testInterruptedResumeKeepsThePreviousStore() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 3, layers: [0, 2], perShard: 2, received: nil)
        let before = try Data(contentsOf: url.appendingPathComponent("manifest.json"))
        do {
            let writer = try StoreWriter(url: url, model: Synthetic.model, layers: [0, 2], imagesPerShard: 2, preprocessing: nil, resume: true)
            XCTAssertEqual(writer.storedImageIDs, ["img0", "img1", "img2"])
            for i in 3..<8 { try writer.append(Synthetic.activations(i, layers: [0, 2])) }
            XCTAssertThrowsError(try writer.append(Synthetic.activations(8, layers: [0])))
        }
        XCTAssertEqual(try Data(contentsOf: url.appendingPathComponent("manifest.json")), before)
        let store = try StoreReader(url: url)
        XCTAssertEqual(store.images.count, 3)
        XCTAssertEqual(try store.hidden(layer: 2), (0..<3).flatMap { Synthetic.hidden($0, 2) })
    }

    func testOrphanShardsWithoutManifestAreIgnoredAndReplaced() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 2, layers: [0], perShard: 1, received: nil)
        // A killed run that got as far as writing shard 2 but not the manifest.
        try FileManager.default.copyItem(at: url.appendingPathComponent("shard-00000.safetensors"),
                                         to: url.appendingPathComponent("shard-00002.safetensors"))
        XCTAssertEqual(try StoreReader(url: url).images.count, 2)
        let writer = try StoreWriter(url: url, model: Synthetic.model, layers: [0], imagesPerShard: 1, resume: true)
        try writer.append(Synthetic.activations(7, layers: [0]))
        try writer.commit()
        XCTAssertEqual(try StoreReader(url: url).hidden(layer: 0, images: [2]), Synthetic.hidden(7, 0))
    }

    func testResumeAppendsAndChecksCompatibility() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 3, layers: [0, 2], received: nil)
        XCTAssertThrowsError(try StoreWriter(url: url, model: Synthetic.model, layers: [0, 2])) { XCTAssertTrue("\($0)".contains("a store already exists"), "\($0)") }
        XCTAssertThrowsError(try StoreWriter(url: url, model: Synthetic.model, layers: [0], resume: true)) { XCTAssertTrue("\($0)".contains("captures layers [0, 2], not [0]"), "\($0)") }
        XCTAssertThrowsError(try StoreWriter(url: url, model: Synthetic.model, layers: [0, 2], hiddenDType: .f32, resume: true))
        let writer = try StoreWriter(url: url, model: Synthetic.model, layers: [0, 2], imagesPerShard: 3, resume: true)
        try writer.append(Synthetic.activations(3, layers: [0, 2]))
        try writer.commit()
        try writer.append(Synthetic.activations(4, layers: [0, 2]))
        try writer.commit()  // commits are checkpoints; each adds the shard written since
        let store = try StoreReader(url: url)
        XCTAssertEqual(store.manifest.shards.map(\.count), [3, 1, 1])
        XCTAssertEqual(try store.hidden(layer: 0), (0..<5).flatMap { Synthetic.hidden($0, 0) })
    }

    func testManifestPointingAtMissingShardIsRejected() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 4, perShard: 2)
        try FileManager.default.removeItem(at: url.appendingPathComponent("shard-00001.safetensors"))
        XCTAssertThrowsError(try StoreReader(url: url)) { XCTAssertTrue("\($0)".contains("lists shard 'shard-00001.safetensors' but the file is missing"), "\($0)") }
    }

    func testHostileManifests() throws {
        let url = temporaryDirectory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 2, perShard: 2)
        let manifestURL = url.appendingPathComponent("manifest.json")
        let good = try String(contentsOf: manifestURL, encoding: .utf8)
        for (from, to, phrase) in [("shard-00000.safetensors", "../../etc/passwd", "not a plain file name"),
                                   ("\"count\" : 2", "\"count\" : 3", "hold 3 images but 2 are listed"),
                                   ("\"version\" : 1", "\"version\" : 7", "version 7 is not supported"),
                                   ("\"hidden_dtype\" : \"F16\"", "\"hidden_dtype\" : \"Q4\"", "manifest is not valid")] {
            XCTAssertTrue(good.contains(from), from)
            try good.replacingOccurrences(of: from, with: to).write(to: manifestURL, atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try StoreReader(url: url)) { XCTAssertTrue("\($0)".contains(phrase), "\($0)") }
        }
        try "{ not json".write(to: manifestURL, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try StoreReader(url: url)) { XCTAssertTrue("\($0)".contains("it is not JSON"), "\($0)") }
    }
}
