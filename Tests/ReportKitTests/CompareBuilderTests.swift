import Images
import ActivationStore
import Foundation
import Plotting
import TestSupport
import XCTest
@testable import ReportKit

final class CompareBuilderTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = temporaryDirectory("compare-tests") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func document(_ summary: CompareSummary) throws -> CompareDocument {
        try JSONDecoder().decode(CompareDocument.self, from: Data(contentsOf: URL(fileURLWithPath: summary.json)))
    }

    func testSameStoreTwiceHasCKAOneOnTheDiagonal() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        var c = CompareConfig(stores: [store, store], out: root.appendingPathComponent("compare"))
        c.progress = false
        let summary = try CompareBuilder(c).build()
        let doc = try document(summary)
        let cross = try XCTUnwrap(doc.crossStore)
        XCTAssertEqual(cross.mode, "tokens")
        XCTAssertEqual(cross.sharedImages, PlantedStore.images)
        XCTAssertEqual(cross.sameLayer.map(\.layer), [0, 1, 2, 3, 4])
        for row in cross.sameLayer { XCTAssertEqual(try XCTUnwrap(row.cka), 1, accuracy: 1e-12) }
        for i in 0..<5 {
            XCTAssertEqual(try XCTUnwrap(cross.cka[i][i]), 1, accuracy: 1e-12)
            // Store A's own matrix equals the cross matrix of the store with itself.
            for j in 0..<5 { XCTAssertEqual(try XCTUnwrap(doc.stores[0].cka[i][j]), try XCTUnwrap(cross.cka[i][j]), accuracy: 1e-12) }
        }
        XCTAssertEqual(doc.stores.map { $0.sinks.map(\.sinks.total) }, [[0, 0, 16, 16, 16], [0, 0, 16, 16, 16]])
        let html = try String(contentsOfFile: summary.html, encoding: .utf8)
        XCTAssertFalse(html.contains("http://") || html.contains("https://"))
        for figure in doc.figures {
            let png = try Data(contentsOf: URL(fileURLWithPath: summary.directory).appendingPathComponent(figure.file))
            let decoded = try RGBImage(png: [UInt8](png))
            XCTAssertEqual([decoded.width, decoded.height], [figure.width, figure.height], figure.file)
            XCTAssertTrue(html.contains("src=\"\(figure.file)\""), figure.file)
        }
    }

    func testStoresWithDifferentLayoutsCompareImageMeans() throws {
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b")
        try PlantedStore.write(to: a)
        // The same images through a model with another grid: only image-level rows can be matched.
        let other = ModelInfo(name: "other", architecture: "vit", patchSize: 28, imageSize: 84, hiddenSize: 8, heads: 2, layers: 2,
                              prefixTokens: 1, grid: [3, 3])
        let writer = try StoreWriter(url: b, model: other, layers: [0, 1, 2], hiddenDType: .f32)
        for i in 0..<PlantedStore.images {
            let id = i == 0 ? PlantedStore.hostile : "img\(i)"
            try writer.append(ImageActivations(
                image: ImageEntry(id: id, source: ""),
                hidden: Dictionary(uniqueKeysWithValues: (0...2).map { l in (l, (0..<(10 * 8)).map { PlantedStore.noise(i, l + 7, $0) }) })))
        }
        try writer.commit()
        var c = CompareConfig(stores: [a, b], out: root.appendingPathComponent("compare"))
        c.progress = false
        let doc = try document(try CompareBuilder(c).build())
        let cross = try XCTUnwrap(doc.crossStore)
        XCTAssertEqual(cross.mode, "images")
        XCTAssertEqual(cross.samples, PlantedStore.images)
        XCTAssertEqual(cross.layersA, [0, 1, 2, 3, 4])
        XCTAssertEqual(cross.layersB, [0, 1, 2])
        XCTAssertEqual(cross.sameLayer.map(\.layer), [0, 1, 2])
        XCTAssertTrue(cross.cka.joined().allSatisfy { ($0 ?? -1) >= 0 && ($0 ?? 2) <= 1 })
    }

    func testStoresWithoutSharedImagesSaySo() throws {
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b")
        try PlantedStore.write(to: a)
        let writer = try StoreWriter(url: b, model: PlantedStore.model, layers: [0, 1, 2, 3, 4], hiddenDType: .f32)
        for i in 0..<3 {
            try writer.append(ImageActivations(
                image: ImageEntry(id: "elsewhere\(i)", source: ""),
                hidden: Dictionary(uniqueKeysWithValues: (0...4).map { ($0, PlantedStore.hidden(i + 50, $0, planted: false)) })))
        }
        try writer.commit()
        var c = CompareConfig(stores: [a, b], out: root.appendingPathComponent("compare"))
        c.progress = false
        let summary = try CompareBuilder(c).build()
        let cross = try XCTUnwrap(try document(summary).crossStore)
        XCTAssertEqual(cross.mode, "none")
        XCTAssertTrue(try String(contentsOfFile: summary.html, encoding: .utf8).contains("The stores share no image id"))
    }

    func testThreeStoresAreRefused() {
        let c = CompareConfig(stores: [root, root, root], out: root.appendingPathComponent("x"))
        XCTAssertThrowsError(try CompareBuilder(c).build()) { XCTAssertTrue("\($0)".contains("one or two stores")) }
    }
}
