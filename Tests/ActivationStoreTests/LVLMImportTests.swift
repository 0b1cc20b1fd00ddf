import ActivationStore
import Foundation
import TestSupport
import XCTest

/// `LVLMImporter`: dumps with known values land in the store exactly where docs/lvlm.md says.
final class LVLMImportTests: XCTestCase {
    let dump = LVLMDumpBuilder()

    func directory() -> URL {
        let url = temporaryDirectory("lvlm-import")
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    func options(_ inputs: [URL], _ out: URL) -> LVLMImportOptions {
        var o = LVLMImportOptions(inputs: inputs, output: out)
        o.hiddenDType = .f32
        o.showProgress = false
        return o
    }

    func testStandardDumpLandsInTheStore() throws {
        let dir = directory(), file = dir.appendingPathComponent("dump.safetensors"), out = dir.appendingPathComponent("store")
        try dump.standard(to: file, ids: ["a", "b", "c"])
        let summary = try LVLMImporter.run(options([file], out))
        XCTAssertEqual(summary.imported, 3)
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.model.prefixTokens, 0)
        XCTAssertEqual(store.model.grid, [2, 2])
        XCTAssertEqual(store.model.layers, 24)
        XCTAssertEqual(store.layers, [23])
        XCTAssertEqual(store.images.map(\.id), ["a", "b", "c"])
        XCTAssertEqual(try store.hidden(layer: 23), dump.vitHidden.floats())

        let info = try store.lvlmInfo()
        XCTAssertEqual(info.name, "toy-llava")
        XCTAssertEqual(info.visionLayer, 23)
        XCTAssertEqual(info.llmLayers, 2)
        XCTAssertEqual(info.llmHeads, 2)
        XCTAssertEqual(info.llmHiddenLayers, [0, 1, 2])
        XCTAssertEqual(info.llmReceivedLayers, [1, 2])
        XCTAssertEqual(info.receivedSource, "llm_attentions")

        let positions = (0..<3).flatMap { _ in (0..<4).map { Int64(dump.start + $0) } }
        XCTAssertEqual(try store.visualPositions(), positions)
        XCTAssertEqual(try store.sequenceLengths(), [9, 9, 9])
        XCTAssertEqual(try store.queryCounts(), [9, 9, 9])
        for l in 1...2 {
            let want = (0..<3).flatMap { i in (0..<4).map { Float(dump.received(l - 1, i)[dump.start + $0]) } }
            assertClose(try store.llmReceived(layer: l), want, absolute: 1e-6, relative: 1e-6, "llm.received.\(l)")
        }
        for l in 0...2 {
            let want = (0..<3).flatMap { i in (0..<4).flatMap { p in (0..<5).map { dump.llm(l, i, dump.start + p, $0) } } }
            XCTAssertEqual(try store.llmHidden(layer: l), want, "llm.hidden.\(l)")
        }
        XCTAssertEqual(try store.llmHidden(layer: 1, images: [2]), Array(try store.llmHidden(layer: 1)[(2 * 20)..<(3 * 20)]))
    }

    func testColumnSumsQueryStartStackAndScatteredPositions() throws {
        let dir = directory(), file = dir.appendingPathComponent("dump.safetensors"), out = dir.appendingPathComponent("store")
        // A ViT stack with CLS: [Lv+1 = 3, n, 1 + P, Dv]; the LVLM uses layer 1 (the penultimate).
        let stack = (0..<3).flatMap { l in (0..<dump.n).flatMap { i in (0..<5).flatMap { t in (0..<dump.dv).map { Float(l * 1000) + dump.vit(i, t, $0) } } } }
        let positions: [Int64] = (0..<dump.n).flatMap { i in [8, 1, 5, 3].map { Int64($0) } }
        // Received summed over query rows 4..<9 only (the "text after the image"), as the snippet does.
        let sums = (0..<dump.lm).flatMap { b in (0..<dump.n).flatMap { dump.received(b, $0, from: 4).map(Float.init) } }
        let visual = (0...dump.lm).flatMap { l in (0..<dump.n).flatMap { i in (0..<4).flatMap { p in (0..<5).map { dump.llm(l, i, p, $0) } } } }
        try dump.write([
            ("vit_hidden_states", Tensor(floats: stack, shape: [3, dump.n, 5, dump.dv])),
            ("llm_attention_received", Tensor(floats: sums, shape: [dump.lm, dump.n, dump.s])),
            ("llm_hidden_visual", Tensor(floats: visual, shape: [dump.lm + 1, dump.n, 4, 5])),
            ("visual_positions", Tensor(int64s: positions, shape: [dump.n, 4])),
            ("query_start", Tensor(int64s: [4], shape: [])),
        ], to: file)
        var o = options([file], out)
        o.llmLayers = [2, 0]
        o.maxImagesPerShard = 2
        _ = try LVLMImporter.run(o)
        let store = try StoreReader(url: out)
        XCTAssertEqual(store.model.prefixTokens, 1)
        XCTAssertEqual(store.layers, [0, 1, 2])
        XCTAssertEqual(store.manifest.shards.map(\.count), [2, 1])
        let info = try store.lvlmInfo()
        XCTAssertEqual(info.visionLayer, 1, "a stack defaults to its penultimate layer")
        XCTAssertEqual(info.llmHiddenLayers, [0, 2])
        XCTAssertEqual(info.files.count, 2)
        XCTAssertEqual(try store.queryCounts(), [5, 5, 5])
        XCTAssertEqual(try store.visualPositions(), positions)
        let want = (0..<dump.n).flatMap { i in [8, 1, 5, 3].map { Float(dump.received(1, i, from: 4)[$0]) } }
        assertClose(try store.llmReceived(layer: 2), want, absolute: 1e-6, relative: 1e-6)
        XCTAssertEqual(try store.llmHidden(layer: 2), Array(visual[(2 * dump.n * 20)...]))
        XCTAssertThrowsError(try store.llmHidden(layer: 1)) { error in
            XCTAssertTrue("\(error)".contains("LLM hidden states for layer 1 is not in the store (available layers: 0, 2)"), "\(error)")
        }
    }

    /// Issue 18: docs/lvlm.md allows `llm_hidden_visual` without any attention; the sequence
    /// length then fell back to 0 and the import was refused ("sequence_lengths[0] = 0 is outside 1...0").
    func testHiddenVisualWithoutAttentionOrSequenceLengths() throws {
        let dir = directory()
        let visual = (0...dump.lm).flatMap { l in (0..<dump.n).flatMap { i in (0..<4).flatMap { p in (0..<5).map { dump.llm(l, i, p, $0) } } } }
        let hidden = Tensor(floats: visual, shape: [dump.lm + 1, dump.n, 4, 5])
        for (name, where_, lengths) in [("start", [("image_token_start", Tensor(int64s: [2, 3, 4], shape: [3]))], [Int64(6), 7, 8]),
                                        ("none", [], [4, 4, 4])] {
            let file = dir.appendingPathComponent("\(name).safetensors"), out = dir.appendingPathComponent("store-\(name)")
            try dump.write([("vit_hidden", dump.vitHidden), ("llm_hidden_visual", hidden)] + where_, metadata: ["vit_layer": "23"], to: file)
            let summary = try LVLMImporter.run(options([file], out))
            XCTAssertEqual(summary.imported, 3, name)
            let store = try StoreReader(url: out)
            XCTAssertEqual(try store.lvlmInfo().receivedSource, "none", name)
            XCTAssertEqual(try store.lvlmInfo().llmReceivedLayers, [], name)
            XCTAssertEqual(try store.llmHidden(layer: 1), Array(visual[(dump.n * 20)..<(2 * dump.n * 20)]), name)
            // Nothing says how long the sequences were: the shortest that holds the visual tokens, noted.
            XCTAssertEqual(try store.sequenceLengths(), lengths, name)
            XCTAssertTrue(store.manifest.notes.contains { $0.contains("gives no LLM sequence length") }, name)
        }
    }

    func testDumpWithSomeLLMLayers() throws {
        let dir = directory(), file = dir.appendingPathComponent("dump.safetensors"), out = dir.appendingPathComponent("store")
        // Only layers 0 and 2 of the LLM's hidden states, over the whole sequence.
        let all = dump.llmHiddenStates.floats(), perLayer = dump.n * dump.s * dump.dm
        let kept = Array(all[0..<perLayer]) + Array(all[(2 * perLayer)...])
        try dump.write([
            ("vit_hidden", dump.vitHidden), ("llm_attention_received", dump.columnSums),
            ("llm_hidden_states", Tensor(floats: kept, shape: [2, dump.n, dump.s, dump.dm])),
            ("llm_hidden_layers", Tensor(int64s: [0, 2], shape: [2])),
            ("image_token_start", Tensor(int64s: [Int64(dump.start)], shape: [])),
        ], metadata: ["vit_layer": "5"], to: file)
        _ = try LVLMImporter.run(options([file], out))
        let store = try StoreReader(url: out)
        XCTAssertEqual(try store.lvlmInfo().llmHiddenLayers, [0, 2])
        XCTAssertEqual(try store.lvlmInfo().llmLayers, 2)
        XCTAssertEqual(try store.lvlmInfo().receivedSource, "llm_attention_received")
        let want = (0..<dump.n).flatMap { i in (0..<4).flatMap { p in (0..<5).map { dump.llm(2, i, dump.start + p, $0) } } }
        XCTAssertEqual(try store.llmHidden(layer: 2), want)
        var o = options([file], dir.appendingPathComponent("other"))
        o.llmLayers = [1]
        XCTAssertThrowsError(try LVLMImporter.run(o)) { error in
            XCTAssertTrue("\(error)".hasSuffix("LLM layer 1 is not among the dump's hidden states (layers 0, 2)."), "\(error)")
        }
    }

    func testSeveralFilesWithDifferentSequenceLengths() throws {
        let dir = directory(), out = dir.appendingPathComponent("store")
        let a = dir.appendingPathComponent("a.safetensors"), b = dir.appendingPathComponent("b.safetensors")
        try dump.standard(to: a, ids: ["a0", "a1", "a2"])
        var longer = dump
        longer.s = 12
        try longer.standard(to: b, ids: ["b0", "b1", "b2"])
        var o = options([a, b], out)
        o.shardBytes = 1  // one image per shard
        let summary = try LVLMImporter.run(o)
        XCTAssertEqual(summary.shards, 6)
        let store = try StoreReader(url: out)
        XCTAssertEqual(try store.sequenceLengths(), [9, 9, 9, 12, 12, 12])
        let want = Float(longer.received(0, 1)[longer.start + 3])
        XCTAssertEqual(try store.llmReceived(layer: 1, images: [4])[3], want, accuracy: 1e-6)
    }

    func testLabels() throws {
        let dir = directory(), file = dir.appendingPathComponent("dump.safetensors"), labels = dir.appendingPathComponent("labels.csv")
        try dump.standard(to: file, ids: ["a", "b", "c"])
        try "image,class\nb,dog\na,cat\n".write(to: labels, atomically: true, encoding: .utf8)
        var o = options([file], dir.appendingPathComponent("store"))
        o.labels = labels
        _ = try LVLMImporter.run(o)
        XCTAssertEqual(try StoreReader(url: o.output).images.map { $0.labels["class"] ?? "-" }, ["cat", "dog", "-"])
    }

    func testDetectionReadsTheVisionSide() throws {
        let dir = directory(), file = dir.appendingPathComponent("dump.safetensors"), out = dir.appendingPathComponent("store")
        try dump.standard(to: file)
        _ = try LVLMImporter.run(options([file], out))
        let store = try StoreReader(url: out)
        let norms = try store.norms(layer: 23)
        let want = (0..<3).flatMap { i in (0..<4).map { t in Float((0..<3).map { Double(dump.vit(i, t, $0)) }.reduce(0) { $0 + $1 * $1 }.squareRoot()) } }
        assertClose(norms, want)
        try store.writeMasks(method: "norm", parameters: [:], masks: [23: [UInt8](repeating: 0, count: 12)])
        XCTAssertNotNil(try StoreReader(url: out).manifest.lvlm, "writing masks keeps the lvlm section")
    }

    func testOrdinaryStoresHaveNoLVLMSection() throws {
        let url = directory().appendingPathComponent("store")
        try Synthetic.writeStore(at: url, count: 2)
        let store = try StoreReader(url: url)
        XCTAssertNil(store.manifest.lvlm)
        let json = try String(contentsOf: url.appendingPathComponent("manifest.json"), encoding: .utf8)
        XCTAssertFalse(json.contains("lvlm"), "old-style manifests stay unchanged")
        XCTAssertThrowsError(try store.llmReceived(layer: 1)) { error in
            XCTAssertEqual("\(error)", "\(url.path): the store holds no language-model data; import an LVLM dump with 'sinkscope import --lvlm'.")
        }
    }
}
