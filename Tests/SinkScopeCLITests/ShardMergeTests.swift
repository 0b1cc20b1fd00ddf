import ActivationStore
import Foundation
import SinkAnalysis
import TestSupport
import XCTest

/// A store merged from the shard stores of `extract --shard I/3` holds, image for image, the
/// same bytes as one `extract` of the whole list, and the analyses give the same results on it.
/// Runs in-process on the tiny ViT fixture (32×32 input, 2 blocks) over synthetic scenes, with
/// `--batch 1` in both runs: the native forward pass is not batch-invariant in every case (an
/// image alone in a batch and the same image in a batch of 4 differed in the last bits of
/// hidden.1 with the release build), so byte identity is promised for equal batch composition.
final class ShardMergeTests: XCTestCase {
    /// The tiny ViT folder with a preprocessor config for its 32×32 input.
    static func tinyModel(in root: URL) throws -> URL {
        let fm = FileManager.default
        let model = root.appendingPathComponent("tiny-vit")
        try fm.createDirectory(at: model, withIntermediateDirectories: true)
        for file in ["config.json", "model.safetensors"] {
            try fm.copyItem(at: Fixtures.url("models/tiny-vit/\(file)"), to: model.appendingPathComponent(file))
        }
        try Data(#"{"do_resize": true, "size": {"height": 32, "width": 32}, "resample": 2, "do_rescale": true, "rescale_factor": 0.00392156862745098, "do_normalize": true, "image_mean": [0.5, 0.5, 0.5], "image_std": [0.5, 0.5, 0.5]}"#.utf8)
            .write(to: model.appendingPathComponent("preprocessor_config.json"))
        return model
    }

    /// Every tensor row of every image, as raw bit patterns, in store order.
    static func imageBits(_ store: StoreReader) throws -> [String: [UInt32]] {
        var out: [String: [UInt32]] = [:]
        for l in store.layers { out["hidden.\(l)"] = try store.hidden(layer: l).map(\.bitPattern) }
        out["norm"] = try store.norms().map(\.bitPattern)
        for l in store.manifest.receivedLayers { out["received.\(l)"] = try store.received(layer: l).map(\.bitPattern) }
        return out
    }

    func testMergedShardsEqualOneExtractionAndAnalysesAgree() throws {
        let root = temporaryDirectory("shard-merge")
        defer { try? FileManager.default.removeItem(at: root) }
        let model = try Self.tinyModel(in: root)
        let scenes = root.appendingPathComponent("scenes")
        _ = try CLI.output(["synth", "--out", scenes.path, "--count", "30", "--size", "64", "--quiet"])
        let common = ["--model", model.path, "--images", scenes.path, "--labels", scenes.appendingPathComponent("labels.csv").path,
                      "--attention", "--threads", "1", "--batch", "1", "--quiet"]

        let single = root.appendingPathComponent("single")
        _ = try CLI.output(["extract"] + common + ["--out", single.path])
        var parts: [URL] = []
        for i in [2, 0, 1] {  // any order: merge sorts by shard index
            let part = root.appendingPathComponent("part-\(i)")
            let summary = try CLI.output(["extract"] + common + ["--out", part.path, "--shard", "\(i)/3"])
            XCTAssertTrue(summary.contains("extracted 10 images"), summary)
            parts.append(part)
        }
        let shard1 = try StoreReader(url: root.appendingPathComponent("part-1")).manifest.shard
        XCTAssertEqual(shard1?.firstPosition, 10)
        XCTAssertEqual(shard1?.positions, 10)
        XCTAssertEqual(shard1?.listImages, 30)

        let merged = root.appendingPathComponent("merged")
        let text = try CLI.output(["merge"] + parts.map(\.path) + ["--out", merged.path, "--quiet"])
        XCTAssertTrue(text.contains("30 images of a list of 30"), text)
        XCTAssertTrue(text.contains("hard-linked all"), text)

        // Same images, labels and sources in the same order; same bytes for every tensor row.
        let a = try StoreReader(url: single), b = try StoreReader(url: merged)
        XCTAssertEqual(a.images, b.images)
        XCTAssertEqual(a.model, b.model)
        XCTAssertEqual(a.layers, b.layers)
        XCTAssertEqual(a.manifest.receivedLayers, b.manifest.receivedLayers)
        XCTAssertEqual(a.manifest.preprocessing, b.manifest.preprocessing)
        XCTAssertNil(b.manifest.shard)
        XCTAssertEqual(try Self.imageBits(a), try Self.imageBits(b))

        // detect: the same tables and the same masks.
        for method in [["--method", "topk", "--k", "2"], ["--method", "norm", "--tau", "auto"], ["--method", "attention", "--m", "2"]] {
            let ta = try CLI.output(["detect", "--store", single.path, "--json"] + method)
            let tb = try CLI.output(["detect", "--store", merged.path, "--json"] + method)
            XCTAssertEqual(ta.replacingOccurrences(of: single.path, with: "S"), tb.replacingOccurrences(of: merged.path, with: "S"), "\(method)")
        }
        let a2 = try StoreReader(url: single), b2 = try StoreReader(url: merged)
        for method in ["topk", "norm", "attention"] {
            for l in a2.manifest.masks[method]?.layers ?? [] {
                XCTAssertEqual(try a2.mask(method: method, layer: l), try b2.mask(method: method, layer: l), "\(method) layer \(l)")
            }
        }

        // The default probe suites: the same results.json, but for the store's path.
        for suite in ["position", "global-vs-local", "controls", "layer-sweep"] {
            let file = Fixtures.repositoryRoot.appendingPathComponent("Probes/\(suite).yaml").path
            let outA = root.appendingPathComponent("probe-single-\(suite)"), outB = root.appendingPathComponent("probe-merged-\(suite)")
            _ = try CLI.output(["probe", file, "--store", single.path, "--out", outA.path, "--quiet"])
            _ = try CLI.output(["probe", file, "--store", merged.path, "--out", outB.path, "--quiet"])
            // Wall-clock seconds (per row and in total) are the only fields that may differ.
            func timeless(_ dir: URL) throws -> SuiteReport {
                var r = try SuiteReport.read(from: dir.appendingPathComponent("results.json"))
                r.store = "S"
                r.seconds = 0
                for i in r.rows.indices { r.rows[i].seconds = 0 }
                return r
            }
            // Compared as JSON text: empty groups score NaN, and NaN != NaN for Equatable.
            XCTAssertEqual(String(decoding: try timeless(outA).json(), as: UTF8.self),
                           String(decoding: try timeless(outB).json(), as: UTF8.self), suite)
        }
    }
}
