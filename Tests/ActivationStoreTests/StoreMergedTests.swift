import Foundation
import TestSupport
import XCTest

@testable import ActivationStore

/// The optional `merged` tensor ([n, M, D_llm] f32, a tower's patch-merger output): written per
/// shard, read back across shards, its shape in the manifest, and bad input named.
final class StoreMergedTests: XCTestCase {
    let model = ModelInfo(name: "qwen-like", architecture: "qwen2_5_vl", patchSize: 14, imageSize: 56, hiddenSize: 2,
                          heads: 1, layers: 1, prefixTokens: 0, grid: [4, 4])
    let shape = MergedTokens(tokens: 4, hiddenSize: 3)

    func image(_ i: Int, merged: [Float]?) -> ImageActivations {
        var a = ImageActivations(image: ImageEntry(id: "img\(i)", source: "img\(i).png"),
                                 hidden: [0: (0..<32).map { Float($0 + i) }, 1: (0..<32).map { Float($0 * 2 + i) }])
        a.merged = merged
        return a
    }

    func values(_ i: Int) -> [Float] { (0..<12).map { Float(i * 100 + $0) } }

    func testMergedTokensRoundTripAcrossShards() throws {
        let root = temporaryDirectory("store-merged")
        defer { try? FileManager.default.removeItem(at: root) }
        let url = root.appendingPathComponent("store")
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1], hiddenDType: .f32, imagesPerShard: 2)
        writer.mergedShape = shape
        for i in 0..<3 { try writer.append(image(i, merged: values(i))) }
        try writer.commit()
        let reader = try StoreReader(url: url)
        XCTAssertEqual(reader.manifest.merged, shape)
        XCTAssertEqual(reader.manifest.shards.count, 2)
        XCTAssertEqual(try reader.merged(), values(0) + values(1) + values(2))
        XCTAssertEqual(try reader.merged(images: [2, 0]), values(2) + values(0))
        let json = try String(contentsOf: url.appendingPathComponent("manifest.json"), encoding: .utf8)
        XCTAssertTrue(json.contains("\"hidden_size\" : 3") || json.contains("\"hidden_size\":3"), json)
    }

    func testStoresWithoutMergedSayWhyAndRejectBadInput() throws {
        let root = temporaryDirectory("store-merged-bad")
        defer { try? FileManager.default.removeItem(at: root) }
        let plain = try StoreWriter(url: root.appendingPathComponent("plain"), model: model, layers: [0, 1], hiddenDType: .f32, imagesPerShard: 2)
        try plain.append(image(0, merged: nil))
        XCTAssertThrowsError(try plain.append(image(1, merged: values(1)))) { XCTAssertTrue("\($0)".contains("merged tokens are given but the writer has no mergedShape"), "\($0)") }
        try plain.commit()
        let reader = try StoreReader(url: root.appendingPathComponent("plain"))
        XCTAssertNil(reader.manifest.merged)
        XCTAssertThrowsError(try reader.merged()) { XCTAssertTrue("\($0)".contains("merged tokens"), "\($0)") }
        let json = try String(contentsOf: root.appendingPathComponent("plain/manifest.json"), encoding: .utf8)
        XCTAssertFalse(json.contains("\"merged\""), "absent from manifests without it")

        let shaped = try StoreWriter(url: root.appendingPathComponent("shaped"), model: model, layers: [0, 1], hiddenDType: .f32, imagesPerShard: 2)
        shaped.mergedShape = shape
        XCTAssertThrowsError(try shaped.append(image(0, merged: [1, 2]))) {
            XCTAssertTrue("\($0)".contains("merged has 2 values, expected M×D_llm = 4×3 = 12"), "\($0)")
        }
        try shaped.append(image(0, merged: values(0)))
        XCTAssertThrowsError(try shaped.append(image(1, merged: nil))) { XCTAssertTrue("\($0)".contains("merged tokens are missing"), "\($0)") }
    }
}
