import ActivationStore
import Foundation
import XCTest
import TestSupport
@testable import SinkAnalysis

/// `detect` on a store whose model has windowed blocks (as Qwen2.5-VL's tower writes it): every layer
/// says in its table row and its JSON whether the block that wrote it attends in full or within windows.
///
/// n = 2 images, grid 4×4 (no prefix tokens), D = 8, L = 3 blocks; the manifest marks blocks 0 and 1
/// windowed, so layers 1 and 2 are windowed, layer 3 full and layer 0 (embedding output) neither.
final class DetectionWindowedTests: XCTestCase {
    func makeStore(windowedBlocks: [Int]?) throws -> URL {
        let directory = temporaryDirectory("detect-windowed")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("store")
        var model = ModelInfo(name: "windowed", architecture: "qwen2_5_vl", patchSize: 14, imageSize: 56, hiddenSize: 8,
                              heads: 2, layers: 3, prefixTokens: 0, grid: [4, 4])
        if let windowedBlocks {
            model.tokenOrder = TokenOrder(computed: Array(0..<16), mergeUnit: nil, mergeSize: nil, window: 2,
                                          windowedBlocks: windowedBlocks)
        }
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1, 2, 3], hiddenDType: .f32, imagesPerShard: 2)
        for i in 0..<2 {
            var hidden: [Int: [Float]] = [:], received: [Int: [Float]] = [:]
            for l in 0...3 {
                var x = (0..<(16 * 8)).map { k in Float((k * 7 + i * 3 + l) % 11) / 10 - 0.5 }
                x[(5 + i) * 8 + 2] = 40                       // one high-norm patch per image
                hidden[l] = x
                if l >= 1 { received[l] = [Float](repeating: 1, count: 16) }
            }
            try writer.append(ImageActivations(image: ImageEntry(id: "img\(i)", source: "planted/\(i).png"),
                                               hidden: hidden, received: received))
        }
        try writer.commit()
        return url
    }

    func testEveryLayerSaysWhetherItsBlockIsWindowed() throws {
        let store = try StoreReader(url: try makeStore(windowedBlocks: [0, 1]))
        let report = try SinkDetection.run(store: store, detector: TopKNorm(k: 1), rankDimensions: false, write: false, progress: false)
        XCTAssertEqual(report.layers.map(\.layer), [0, 1, 2, 3])
        XCTAssertEqual(report.layers.map(\.attention), [nil, .windowed, .windowed, .full])

        let json = try JSONSerialization.jsonObject(with: Data(try report.json().utf8)) as! [String: Any]
        let layers = json["layers"] as! [[String: Any]]
        XCTAssertNil(layers[0]["attention"], "layer 0 is the embedding output: no attention wrote it")
        XCTAssertEqual(layers.dropFirst().map { $0["attention"] as? String }, ["windowed", "windowed", "full"])

        let table = report.table()
        let rows = table.split(separator: "\n").map(String.init)
        let header = try XCTUnwrap(rows.first { $0.hasPrefix("layer") })
        let column = try XCTUnwrap(header.range(of: "attention")).lowerBound
        let offset = header.distance(from: header.startIndex, to: column)
        func cell(_ layer: Int) -> String {
            let row = rows.first { $0.hasPrefix("\(layer) ") }!
            return String(row.dropFirst(offset).prefix(9)).trimmingCharacters(in: .whitespaces)
        }
        XCTAssertEqual([0, 1, 2, 3].map(cell), ["-", "windowed", "windowed", "full"], table)
        XCTAssertTrue(table.contains("attended only from their own window"), table)
    }

    func testStoresWithoutWindowedBlocksKeepTheirTableAndJSON() throws {
        for blocks in [nil, [Int]()] {
            let store = try StoreReader(url: try makeStore(windowedBlocks: blocks))
            let report = try SinkDetection.run(store: store, detector: TopKNorm(k: 1), rankDimensions: false, write: false, progress: false)
            XCTAssertEqual(report.layers.map(\.attention), [nil, nil, nil, nil])
            XCTAssertFalse(try report.json().contains("\"attention\""))
            let header = report.table().split(separator: "\n").first { $0.hasPrefix("layer") } ?? ""
            XCTAssertFalse(header.contains("attention"), String(header))
            XCTAssertFalse(report.table().contains("own window"))
        }
    }
}
