import ActivationStore
import Foundation
import SinkAnalysis
import XCTest
import TestSupport
@testable import ReportKit

/// Reports on a store whose model has register tokens: the planted store with two registers
/// inserted after CLS (T = 3 + 36 = 39). Register 1 carries 30 and register 2 40 in dimension 5
/// and zeros elsewhere (norms 30 and 40 at every layer, mean 35); they receive 4 and 6.
final class RegisterReportTests: XCTestCase {
    var root: URL!

    override func setUpWithError() throws { root = temporaryDirectory("register-report") }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    func writeStoreWithRegisters(to url: URL) throws {
        var model = PlantedStore.model
        model.name = "planted-reg"
        model.prefixTokens = 3
        model.registers = 2
        let d = model.hiddenSize
        func registers(_ values: [Float]) -> [Float] { values.flatMap { v in (0..<d).map { $0 == 5 ? v : 0 } } }
        let writer = try StoreWriter(url: url, model: model, layers: Array(0...4), hiddenDType: .f32, imagesPerShard: 3,
                                     preprocessing: ["resize": "84x84", "center_crop": "none", "resample": "bilinear"])
        for i in 0..<PlantedStore.images {
            var hidden: [Int: [Float]] = [:], received: [Int: [Float]] = [:]
            for l in 0...4 {
                let h = PlantedStore.hidden(i, l, planted: true)
                hidden[l] = Array(h[0..<d]) + registers([30, 40]) + Array(h[d...])
                if l >= 1 {
                    let r = PlantedStore.received(i, l, planted: true)
                    received[l] = [r[0], 4, 6] + Array(r[1...])
                }
            }
            try writer.append(ImageActivations(image: ImageEntry(id: "img\(i)", source: "/nonexistent/img\(i).png"),
                                               hidden: hidden, received: received))
        }
        try writer.commit()
    }

    func build(_ store: URL, _ name: String) throws -> (ReportDocument, String, String) {
        var c = ReportConfig(store: store, out: root.appendingPathComponent(name))
        c.progress = false
        let summary = try ReportBuilder(c).build()
        let doc = try JSONDecoder().decode(ReportDocument.self, from: Data(contentsOf: URL(fileURLWithPath: summary.json)))
        return (doc, try String(contentsOfFile: summary.html, encoding: .utf8), try String(contentsOfFile: summary.json, encoding: .utf8))
    }

    func testRegistersAreReportedBesideCLSAndNeverOnTheGrid() throws {
        let store = root.appendingPathComponent("store")
        try writeStoreWithRegisters(to: store)
        let (doc, html, _) = try build(store, "report")
        let library = try SinkDetection.run(store: try StoreReader(url: store), detector: NormThreshold(tau: .auto), rankDimensions: false,
                                            write: false, progress: false)
        XCTAssertEqual(doc.detection.layers.map(\.registers), library.layers.map(\.registers))
        XCTAssertEqual(doc.detection.layers.map { $0.registers?.meanNorm }, [35, 35, 35, 35, 35])
        XCTAssertEqual(doc.detection.layers.map { $0.registers?.tokens }, [[1, 2], [1, 2], [1, 2], [1, 2], [1, 2]])
        XCTAssertEqual(doc.detection.layers[1].registers?.meanReceived, 5)
        XCTAssertEqual(doc.detection.layers.map(\.sinks.total), [0, 0, 16, 16, 16], "registers are not patch sinks")
        // Sinks section: two register columns beside CLS, and the caption says what they are.
        XCTAssertTrue(html.contains(">CLS top receiver</th><th class=\"num\">registers norm ×</th><th class=\"num\">registers attention ×</th>"), html)
        XCTAssertTrue(html.contains("the same two ratios for the 2 register tokens (designed sinks, Darcet et al.)"))
        // Gallery: registers are named in the intro and captions; the grid holds the 36 patches only.
        XCTAssertTrue(html.contains("2 register tokens (designed sinks; Darcet et al.) are not on the patch grid and never drawn on it"))
        XCTAssertTrue(html.contains("; 2 registers (not on the grid): mean norm 35, "), html)
        for image in doc.gallery.images {
            XCTAssertEqual(image.sinkPatches.map { $0.map { PlantedStore.sinks(image.index).contains($0 + 1) } }.flatMap { $0 }.allSatisfy { $0 }, true)
        }
        XCTAssertEqual(doc.store.model.registers, 2)
    }

    func testStoreWithoutRegistersHasNoRegisterText() throws {
        let store = root.appendingPathComponent("store")
        try PlantedStore.write(to: store)
        let (doc, html, json) = try build(store, "report")
        XCTAssertEqual(doc.detection.layers.map(\.registers), [nil, nil, nil, nil, nil])
        for text in ["registers norm", "register token", "Darcet", "registers (not on the grid)", "register mean", "registers.meanNorm"] {
            XCTAssertFalse(html.contains(text), text)
        }
        XCTAssertFalse(json.contains("\"registers\""))
    }
}
