import ActivationStore
import Foundation
import ReportKit
import TestSupport
import XCTest
@testable import SinkScopeCLI

/// `sinkscope report` and `sinkscope compare` in-process, and their errors as users see them.
final class ReportCommandTests: XCTestCase {
    /// 3 images, CLS + 9 patches, D = 8, layers 0...2; patch 4 of each image has norm ≈ 200 from layer 1 on.
    func makeStore() throws -> URL {
        let directory = temporaryDirectory("report-cli")
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("store")
        let model = ModelInfo(name: "tiny", architecture: "vit", patchSize: 14, imageSize: 42, hiddenSize: 8, heads: 1, layers: 2,
                              prefixTokens: 1, grid: [3, 3])
        let writer = try StoreWriter(url: url, model: model, layers: [0, 1, 2], hiddenDType: .f32)
        for i in 0..<3 {
            var hidden: [Int: [Float]] = [:]
            for l in 0...2 {
                var x = (0..<(10 * 8)).map { Float(($0 * 7 + i * 3 + l) % 11) / 10 - 0.5 }
                if l >= 1 { x[5 * 8 + 2] = 200 }
                hidden[l] = x
            }
            try writer.append(ImageActivations(image: ImageEntry(id: "i\(i)", source: "i\(i).png"), hidden: hidden))
        }
        try writer.commit()
        return url
    }

    func run(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(arguments)
        switch command {
        case let c as ReportCommand: return try c.output()
        case let c as CompareCommand: return try c.output()
        default: XCTFail("parsed \(type(of: command))"); return ""
        }
    }

    func testReportWritesThePageAndPrintsJSON() throws {
        let store = try makeStore()
        let out = store.deletingLastPathComponent().appendingPathComponent("report")
        let text = try run(["report", "--store", store.path, "--out", out.path, "--method", "topk", "--gallery", "1",
                            "--gallery-layers", "1,2", "--quiet", "--json"])
        let summary = try JSONDecoder().decode(ReportSummary.self, from: Data(text.utf8))
        XCTAssertEqual(summary.layers, [0, 1, 2])
        XCTAssertEqual(summary.method, "topk")
        XCTAssertEqual(summary.maskOrigin, "computed")
        XCTAssertTrue(FileManager.default.fileExists(atPath: out.appendingPathComponent("index.html").path))
        let doc = try JSONDecoder().decode(ReportDocument.self, from: Data(contentsOf: out.appendingPathComponent("report.json")))
        XCTAssertEqual(doc.gallery.layers, [1, 2])
        XCTAssertEqual(doc.gallery.images.count, 1)
    }

    func testCompareSummaryNamesBothStores() throws {
        let store = try makeStore()
        let out = store.deletingLastPathComponent().appendingPathComponent("compare")
        let text = try run(["compare", "--store", store.path, "--store", store.path, "--layers", "1,2", "--out", out.path, "--quiet"])
        XCTAssertTrue(text.contains("across stores (tokens): layer 1 CKA 1.000, layer 2 CKA 1.000"), text)
    }

    func testBadInputIsOneSentence() throws {
        let store = try makeStore()
        let out = store.deletingLastPathComponent().appendingPathComponent("r")
        XCTAssertThrowsError(try run(["report", "--store", store.path, "--out", out.path, "--layers", "1,x"])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error),
                           "The value '1,x' is invalid for '--layers <layers>'")
        }
        XCTAssertThrowsError(try run(["report", "--store", store.path, "--out", out.path, "--layers", "5", "--quiet"])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error), "\(store.path): layer 5 was not captured (captured layers: 0, 1, 2).")
        }
        XCTAssertThrowsError(try run(["compare", "--store", store.path, "--store", store.path, "--store", store.path, "--out", out.path])) { error in
            XCTAssertEqual(SinkScopeCommand.message(for: error), "Give --store once or twice (got 3).")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }
}
