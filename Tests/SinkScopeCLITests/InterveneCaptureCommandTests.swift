import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import Workflow
import XCTest
@testable import SinkScopeCLI

/// `--capture values` (extract, intervene) and `intervene --do test-time-register` in process on the tiny
/// ViT fixture (32×32, 4×4 grid, CLS, 2 blocks, MLP width 64): what they write, and one sentence with
/// nothing written for each bad input.
final class InterveneCaptureCommandTests: XCTestCase {
    override func setUp() { setenv("SINKSCOPE_NO_PROGRESS", "1", 1) }

    private var root: URL!

    override func tearDown() { if let root { try? FileManager.default.removeItem(at: root) } }

    /// A tiny-vit folder and three images under a fresh root.
    private func fixture() throws -> (model: String, images: String) {
        root = temporaryDirectory()
        let (model, images) = try TinyViTAssets.make(in: root)
        return (model.path, images.path)
    }

    private func run(_ arguments: [String]) throws -> String {
        switch try SinkScopeCommand.parseAsRoot(arguments) {
        case let c as InterveneCommand: return try c.output()
        case let c as NeuronsCommand: return try c.output()
        default: return try CLI.output(arguments)
        }
    }

    /// A neuron file as `neurons --json` writes it, for `model` / `architecture`, listing `neurons` (layer, index).
    private func neuronFile(_ name: String, model: String = "tiny-vit", architecture: String = "ViTModel", neurons: [(Int, Int)]) throws -> String {
        let list = neurons.map { #"{"layer": \#($0.0), "neuron": \#($0.1), "outlier_mean": 1, "other_mean": 0, "score": 1}"# }
        let text = #"{"model": "\#(model)", "architecture": "\#(architecture)", "outlierLayer": 2, "tokensPerImage": 1, "images": 3, "neurons": [\#(list.joined(separator: ","))]}"#
            .replacingOccurrences(of: "outlier_mean", with: "outlierMean").replacingOccurrences(of: "other_mean", with: "otherMean")
        let url = root.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testCaptureValuesInExtractAndInterveneWritesTheSameTensors() throws {
        let (model, images) = try fixture()
        let extracted = root.appendingPathComponent("extracted"), intervened = root.appendingPathComponent("intervened")
        _ = try run(["extract", "--model", model, "--images", images, "--out", extracted.path, "--attention", "--capture", "values"])
        _ = try run(["intervene", "--model", model, "--images", images, "--out", intervened.path, "--attention", "--capture", "values",
                     "--tokens", "cls", "--do", "none"])
        let a = try StoreReader(url: extracted), b = try StoreReader(url: intervened)
        XCTAssertEqual(a.manifest.valueLayers, [1, 2])
        XCTAssertEqual(b.manifest.valueLayers, [1, 2])
        for l in 1...2 {
            let norms = try a.valueNorms(layer: l), outputs = try a.valueOutputs(layer: l)
            XCTAssertEqual(norms.count, 3 * 17)
            XCTAssertTrue(norms.allSatisfy { $0 > 0 && $0.isFinite } && outputs.allSatisfy { $0 > 0 && $0.isFinite })
            XCTAssertEqual(norms, try b.valueNorms(layer: l))
            XCTAssertEqual(outputs, try b.valueOutputs(layer: l))
        }
        let report = try run(["detect", "--store", extracted.path, "--method", "topk", "--k", "1", "--json"])
        XCTAssertTrue(report.contains("\"sinkValueOut\""), report)
    }

    func testTestTimeRegisterMovesTheNeuronsToAnExtraTokenAndSaysWhatMoved() throws {
        let (model, images) = try fixture()
        let ranking = root.appendingPathComponent("neurons.json")
        try Data(try run(["neurons", "--model", model, "--images", images, "--top", "4", "--json"]).utf8).write(to: ranking)
        let out = root.appendingPathComponent("ttr")
        let text = try run(["intervene", "--model", model, "--images", images, "--out", out.path, "--attention",
                            "--do", "test-time-register", "--neurons", ranking.path])
        XCTAssertTrue(text.contains("extra_norm"), text)
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.manifest.extraTokens, 1)
        XCTAssertEqual(store.model.tokens, 17, "the store keeps the image's tokens")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let effects = try decoder.decode(InterventionEffects.self, from: Data(contentsOf: out.appendingPathComponent("effects.json")))
        let file = try NeuronRanking.read(ranking)
        XCTAssertEqual(effects.at, Array(Set(file.neurons.map(\.layer))).sorted())
        XCTAssertEqual(effects.tokens, "extra")
        XCTAssertEqual(try XCTUnwrap(effects.layers[0].extraToken).norm, 0, "the extra token enters as zeros")
        for l in 1...2 {
            let extra = try XCTUnwrap(effects.layers[l].extraToken)
            XCTAssertGreaterThan(extra.norm, 0)
            XCTAssertNotNil(extra.received)
            XCTAssertNotNil(extra.outlierReceived)
        }
        XCTAssertEqual(effects.layers[0].pooledCosine, 1, accuracy: 1e-12, "nothing changes the image's tokens before block 1")
        _ = try run(["detect", "--store", out.path, "--method", "topk", "--k", "1"])
    }

    func testBadInputGetsOneSentenceAndWritesNothing() throws {
        let (model, images) = try fixture()
        let out = root.appendingPathComponent("out")
        let other = try neuronFile("other.json", model: "clip-vit-base", architecture: "CLIPVisionModel", neurons: [(1, 3)])
        let wide = try neuronFile("wide.json", neurons: [(1, 64)])
        let layer1 = try neuronFile("layer1.json", neurons: [(1, 3)])
        let broken = root.appendingPathComponent("broken.json")
        try Data("{\"model\": 3".utf8).write(to: broken)
        let base = ["intervene", "--model", model, "--images", images, "--out", out.path, "--attention"]
        for (extra, expected) in [
            (["--do", "test-time-register"], "--do test-time-register needs --neurons FILE (the JSON of 'sinkscope neurons --json')."),
            (["--do", "zero", "--tokens", "cls", "--neurons", layer1], "--neurons is only used by --do test-time-register."),
            (["--do", "test-time-register", "--tokens", "cls", "--neurons", layer1], "--do test-time-register selects no tokens"),
            (["--do", "test-time-register", "--neurons", other], "--neurons \(other) ranks the neurons of 'clip-vit-base' (CLIPVisionModel), not of 'tiny-vit' (ViTModel"),
            (["--do", "test-time-register", "--neurons", wide], "--neurons \(wide) ranks the neurons of 'tiny-vit'"),
            (["--do", "test-time-register", "--neurons", broken.path], "--neurons \(broken.path) is not a neuron ranking written by 'sinkscope neurons --json'"),
            (["--do", "test-time-register", "--neurons", layer1, "--at", "2"], "--at layer 2 has no neuron in \(layer1), which lists neurons at layers 1."),
            (["--do", "test-time-register", "--neurons", layer1, "--at", "1", "--capture", "everything"], "The value 'everything' is invalid for '--capture"),
        ] {
            XCTAssertThrowsError(try run(base + extra)) { error in
                XCTAssertTrue(CLI.message(error).hasPrefix(expected), CLI.message(error))
                XCTAssertFalse(CLI.message(error).contains("\n"), CLI.message(error))
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.path), "\(extra) left \(out.path)")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.contains("partial") }
            XCTAssertEqual(leftovers, [], "\(extra)")
        }
    }
}
