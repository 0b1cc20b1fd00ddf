import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import Workflow
import XCTest
@testable import SinkScopeCLI

/// `sinkscope intervene` in process on the tiny ViT fixture: no intervention writes what `extract`
/// writes, bad input gets one sentence and leaves nothing, a CLS knockout's effects add up.
final class InterveneCommandTests: XCTestCase {
    override func setUp() { setenv("SINKSCOPE_NO_PROGRESS", "1", 1) }

    private var root: URL!

    override func tearDown() { if let root { try? FileManager.default.removeItem(at: root) } }

    /// A tiny-vit folder (32×32, 4×4 grid, CLS, no registers, 2 blocks) and three images.
    private func fixture() throws -> (model: String, images: String) {
        root = temporaryDirectory()
        let (model, images) = try TinyViTAssets.make(in: root)
        return (model.path, images.path)
    }

    private func intervene(_ arguments: [String]) throws -> String {
        let command = try SinkScopeCommand.parseAsRoot(["intervene"] + arguments)
        return try XCTUnwrap(command as? InterveneCommand).output()
    }

    func testNoInterventionWritesExactlyWhatExtractWrites() throws {
        let (model, images) = try fixture()
        let extracted = root.appendingPathComponent("extracted"), intervened = root.appendingPathComponent("intervened")
        let extract = try XCTUnwrap(try SinkScopeCommand.parseAsRoot(
            ["extract", "--model", model, "--images", images, "--out", extracted.path, "--attention"]) as? ExtractCommand)
        _ = try extract.output()
        _ = try intervene(["--model", model, "--images", images, "--out", intervened.path, "--attention", "--tokens", "cls", "--do", "none"])
        let files = try FileManager.default.contentsOfDirectory(atPath: extracted.path).sorted()
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: intervened.path).sorted(), (files + ["effects.json"]).sorted())
        for file in files where file.hasSuffix(".safetensors") {
            XCTAssertEqual(try Data(contentsOf: extracted.appendingPathComponent(file)),
                           try Data(contentsOf: intervened.appendingPathComponent(file)), file)
        }
        let a = try StoreReader(url: extracted), b = try StoreReader(url: intervened)
        XCTAssertEqual(a.layers, b.layers)
        XCTAssertEqual(a.images.map(\.id), b.images.map(\.id))
    }

    func testBadInputGetsOneSentenceAndWritesNothing() throws {
        let (model, images) = try fixture()
        let out = root.appendingPathComponent("out")
        let base = ["--model", model, "--images", images, "--out", out.path, "--attention"]
        for (extra, expected) in [
            (["--tokens", "registers", "--do", "zero"], "--tokens registers selects nothing: ViTModel has no register tokens."),
            (["--tokens", "cls", "--at", "3", "--do", "zero"], "--at layer 3 does not exist; ViTModel has layers 0...2."),
            (["--tokens", "tokens:16", "--do", "zero"],
             "--tokens tokens:16 selects nothing: ViTModel has no grid position 16 (its grid has 16 patches, 0...15)."),
            (["--tokens", "sinks:norm", "--tau", "1000000", "--at", "1", "--do", "zero"],
             "--tokens sinks:norm matches no token of image '"),
            (["--tokens", "cls", "--at", "0", "--do", "knockout"],
             "--do knockout acts in a block's attention, and layer 0 (the embeddings) has none; use --at 1 or later."),
        ] {
            XCTAssertThrowsError(try intervene(base + extra)) { error in
                XCTAssertTrue(CLI.message(error).hasPrefix(expected), CLI.message(error))
                XCTAssertFalse(CLI.message(error).contains("\n"))
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(extra) left \(out.path)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("partial") }
            XCTAssertEqual(leftovers, [], "\(extra)")
        }
    }

    func testKnockoutOfCLSFreesItsAttentionToTheOtherTokens() throws {
        let (model, images) = try fixture()
        let out = root.appendingPathComponent("knockout")
        _ = try intervene(["--model", model, "--images", images, "--out", out.path, "--attention", "--tokens", "cls", "--at", "1,2",
                           "--do", "knockout", "--json"])
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let effects = try decoder.decode(InterventionEffects.self, from: Data(contentsOf: out.appendingPathComponent("effects.json")))
        XCTAssertEqual(effects.images, 3)
        XCTAssertEqual(effects.layers.count, 3)
        XCTAssertEqual(effects.layers[0].pooledCosine, 1, accuracy: 1e-12, "layer 0 comes before any knockout")
        for l in 1...2 {
            let shift = try XCTUnwrap(effects.layers[l].attention)
            // Only CLS's own query still attends to it: at most 1 of its received attention is left.
            XCTAssertLessThanOrEqual(shift.selected.intervened, 1 + 1e-5)
            XCTAssertGreaterThan(shift.freed, 0)
            XCTAssertEqual(shift.toOtherSinks + shift.toOrdinaryPatches, 1, accuracy: 1e-4, "freed attention goes somewhere")
        }
        XCTAssertEqual(try StoreReader(url: out).images.count, 3)
    }
}

/// `sinkscope neurons` on the tiny ViT: the ranking is sorted, its means are consistent, bad input refused.
final class NeuronsCommandTests: XCTestCase {
    override func setUp() { setenv("SINKSCOPE_NO_PROGRESS", "1", 1) }

    func testRanksNeuronsByTheirActivationAtTheOutliers() throws {
        let root = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let (model, images) = try TinyViTAssets.make(in: root)
        func neurons(_ extra: [String]) throws -> String {
            let command = try SinkScopeCommand.parseAsRoot(["neurons", "--model", model.path, "--images", images.path] + extra)
            return try XCTUnwrap(command as? NeuronsCommand).output()
        }
        let text = try neurons(["--outliers", "2", "--top", "5", "--json"])
        let ranking = try JSONDecoder().decode(NeuronRanking.self, from: Data(text.utf8))
        XCTAssertEqual(ranking.images, 3)
        XCTAssertEqual(ranking.outlierLayer, 2)
        XCTAssertEqual(ranking.neurons.count, 5)
        XCTAssertEqual(ranking.neurons.map(\.score), ranking.neurons.map(\.score).sorted(by: >))
        for r in ranking.neurons { XCTAssertEqual(r.score, r.outlierMean - r.otherMean, accuracy: 1e-9) }
        XCTAssertThrowsError(try neurons(["--outlier-layer", "5"])) {
            XCTAssertEqual(CLI.message($0), "--outlier-layer 5 does not exist; ViTModel has blocks' outputs 1...2.")
        }
    }
}
