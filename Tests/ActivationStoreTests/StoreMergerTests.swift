import ActivationStore
import Foundation
import TestSupport
import XCTest

/// `StoreMerger` on synthetic shard stores: order, links, and every refusal in one sentence.
final class StoreMergerTests: XCTestCase {
    private var root: URL!

    override func setUp() { root = temporaryDirectory("merge") }
    override func tearDown() { try? FileManager.default.removeItem(at: root) }

    /// The ids of a list of `total` images, img0 ... img(total-1).
    private func ids(_ total: Int) -> [String] { (0..<total).map { "img\($0)" } }

    /// Shard `index` of `count` of a list of `total` images, holding the first `held` of its images.
    @discardableResult
    private func shardStore(_ index: Int, of count: Int, total: Int = 10, held: Int? = nil, layers: [Int] = [0, 2, 4],
                            dtype: DType = .f16, name: String? = nil, model: ModelInfo = Synthetic.model) throws -> URL {
        let spec = try ShardSpec(index: index, count: count)
        let url = root.appendingPathComponent(name ?? "part-\(index)")
        let writer = try StoreWriter(url: url, model: model, layers: layers, hiddenDType: dtype, imagesPerShard: 2,
                                     preprocessing: ["resize": "28"])
        writer.shardOrigin = ShardOrigin(spec: spec, listIDs: ids(total))
        let positions = spec.positions(of: total)
        for i in positions.prefix(held ?? positions.count) {
            try writer.append(Synthetic.activations(i, layers: layers, received: [2, 4]))
        }
        try writer.commit()
        return url
    }

    func testShardSplitIsContiguousAndBalanced() throws {
        let spans = try (0..<3).map { try ShardSpec(index: $0, count: 3).positions(of: 10) }
        XCTAssertEqual(spans, [0..<3, 3..<6, 6..<10])
        XCTAssertEqual(try ShardSpec(parsing: "2/8").description, "2/8")
        XCTAssertEqual(try ShardSpec(index: 3, count: 4).positions(of: 2), 1..<2)
        XCTAssertEqual(try ShardSpec(index: 0, count: 4).positions(of: 2), 0..<0)
        for bad in ["3/3", "-1/2", "1", "a/b", "1/0"] {
            XCTAssertThrowsError(try ShardSpec(parsing: bad), bad) { XCTAssertTrue("\($0)".hasPrefix("Shard '\(bad)' is not valid"), "\($0)") }
        }
    }

    func testMergesShardsInShardOrderByHardLinks() throws {
        let parts = try [2, 0, 1].map { try shardStore($0, of: 3) }
        let out = root.appendingPathComponent("merged")
        let summary = try StoreMerger.merge(MergeConfig(inputs: parts, output: out, progress: false))
        XCTAssertEqual(summary.images, 10)
        XCTAssertEqual(summary.listImages, 10)
        XCTAssertEqual(summary.copied, 0)
        XCTAssertEqual(summary.linked, summary.shardFiles)
        let merged = try StoreReader(url: out)
        XCTAssertEqual(merged.images.map(\.id), ids(10))
        XCTAssertNil(merged.manifest.shard)
        XCTAssertEqual(merged.manifest.receivedLayers, [2, 4])
        for l in [0, 2, 4] {
            XCTAssertEqual(try merged.hidden(layer: l), (0..<10).flatMap { Synthetic.hidden($0, l) })
        }
        XCTAssertEqual(try merged.received(layer: 4), (0..<10).flatMap { Synthetic.received($0, 4) })
        // Hard links: the merged shard file is the input's file.
        let a = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent("shard-00000.safetensors").path)
        let b = try FileManager.default.attributesOfItem(atPath: parts[1].appendingPathComponent("shard-00000.safetensors").path)
        XCTAssertEqual(a[.systemFileNumber] as? Int, b[.systemFileNumber] as? Int)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: root.path).contains { $0.hasPrefix(".merged") })
    }

    func testMissingAndIncompleteShardsAreRefusedUnlessPartial() throws {
        let p0 = try shardStore(0, of: 3), p2 = try shardStore(2, of: 3)
        let out = root.appendingPathComponent("merged")
        XCTAssertThrowsError(try StoreMerger.merge(MergeConfig(inputs: [p0, p2], output: out, progress: false))) {
            XCTAssertEqual("\($0)", "Cannot merge: shard 1/3 (list positions 3..<6) is not among the inputs; pass --allow-partial to merge without it.")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
        let partial = try StoreMerger.merge(MergeConfig(inputs: [p0, p2], output: out, allowPartial: true, progress: false))
        XCTAssertEqual(partial.missing, [MergeSummary.Missing(shard: 1, firstPosition: 3, count: 3, reason: "missing shard")])
        XCTAssertEqual(try StoreReader(url: out).images.map(\.id), ["img0", "img1", "img2", "img6", "img7", "img8", "img9"])
        XCTAssertTrue(try StoreReader(url: out).manifest.notes.contains("missing list positions 3..<6 of shard 1 (missing shard)"))

        let p1 = try shardStore(1, of: 3, held: 1)
        let out2 = root.appendingPathComponent("merged2")
        XCTAssertThrowsError(try StoreMerger.merge(MergeConfig(inputs: [p0, p1, p2], output: out2, progress: false))) {
            XCTAssertTrue("\($0)".contains("shard 1/3 is an incomplete shard, 1 of 3 images in \(p1.path); rerun its task (extract resumes) or pass --allow-partial"), "\($0)")
        }
        let s = try StoreMerger.merge(MergeConfig(inputs: [p0, p1, p2], output: out2, allowPartial: true, progress: false))
        XCTAssertEqual(s.missing.map(\.firstPosition), [4])
        XCTAssertEqual(s.missing.map(\.count), [2])
    }

    func testRefusesMismatchedInputsInOneSentence() throws {
        let p0 = try shardStore(0, of: 2)
        func refusal(_ inputs: [URL]) -> String {
            do {
                _ = try StoreMerger.merge(MergeConfig(inputs: inputs, output: root.appendingPathComponent("out-\(UUID())"), progress: false))
                return "merged"
            } catch { return "\(error)" }
        }
        let layers = try shardStore(1, of: 2, layers: [0, 2], name: "layers")
        XCTAssertEqual(refusal([p0, layers]), "Cannot merge: \(layers.path) has layers [0, 2] but \(p0.path) has [0, 2, 4].")
        let dtype = try shardStore(1, of: 2, dtype: .f32, name: "dtype")
        XCTAssertEqual(refusal([p0, dtype]), "Cannot merge: \(dtype.path) has hidden dtype F32 but \(p0.path) has F16.")
        var other = Synthetic.model
        other.name = "other"
        let model = try shardStore(1, of: 2, name: "model", model: other)
        XCTAssertTrue(refusal([p0, model]).contains("has model 'other' (vit) but"))
        let otherRun = try shardStore(1, of: 3, name: "run")
        XCTAssertTrue(refusal([p0, otherRun]).contains("they come from different runs"))
        let twice = try shardStore(0, of: 2, name: "twice")
        XCTAssertEqual(refusal([p0, twice]), "Cannot merge: \(p0.path) and \(twice.path) are both shard 0/2.")
        XCTAssertEqual(refusal([p0, p0]), "Cannot merge: \(p0.path) is given twice.")
        let plain = root.appendingPathComponent("plain")
        _ = try Synthetic.writeStore(at: plain, count: 2)
        XCTAssertTrue(refusal([p0, plain]).contains("was not made with extract --shard"))
        XCTAssertTrue(refusal([p0, root.appendingPathComponent("nothing")]).contains("not a SinkScope store"))
        XCTAssertEqual(try StoreMerger.merge(MergeConfig(inputs: [plain], output: root.appendingPathComponent("one"), progress: false)).images, 2)
        let plain2 = root.appendingPathComponent("plain2")
        _ = try Synthetic.writeStore(at: plain2, count: 2)
        XCTAssertTrue(refusal([plain, plain2]).contains("image id 'img0' is in both"))
        XCTAssertTrue(refusal([p0]).contains("shard 1/2 (list positions 5..<10) is not among the inputs"))
        let exists = try shardStore(1, of: 2, name: "exists")
        XCTAssertThrowsError(try StoreMerger.merge(MergeConfig(inputs: [p0, exists], output: plain, progress: false))) {
            XCTAssertEqual("\($0)", "Cannot merge: \(plain.path) already exists; choose another --out or remove it.")
        }
    }
}
