import ActivationStore
import Foundation
import TestSupport
import XCTest

/// Malformed LVLM dumps: one sentence naming the file and the problem, and nothing left at the output.
final class LVLMImportBadInputTests: XCTestCase {
    let dump = LVLMDumpBuilder()

    /// Imports `arrays` and returns the error sentence; checks that no store appeared.
    func failure(_ arrays: [(String, Tensor)], metadata: [String: String] = ["vit_layer": "1"], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let dir = temporaryDirectory("lvlm-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("dump.safetensors"), out = dir.appendingPathComponent("store")
        try dump.write(arrays, metadata: metadata, to: url)
        var o = LVLMImportOptions(inputs: [url], output: out)
        o.showProgress = false
        do {
            _ = try LVLMImporter.run(o)
            XCTFail("the import succeeded", file: file, line: line)
            return ""
        } catch {
            let left = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            XCTAssertEqual(left, ["dump.safetensors"], "nothing is left behind", file: file, line: line)
            return "\(error)".replacingOccurrences(of: url.path + ": ", with: "")
        }
    }

    var start: (String, Tensor) { ("image_token_start", Tensor(int64s: [Int64(dump.start)], shape: [])) }

    func testReceivedWithAnotherNormalisation() throws {
        let halved = Tensor(floats: dump.columnSums.floats().map { $0 / 2 }, shape: dump.columnSums.shape)
        let message = try failure([("vit_hidden", dump.vitHidden), ("llm_attention_received", halved), start])
        XCTAssertEqual(message, "cannot import: the attention received in image 0, LLM block 1 totals 4.5, not the 9 summed query rows; it must be the head-mean column sum of softmax probabilities over query rows query_start..<S.")
    }

    func testMissingLayerAndPositions() throws {
        XCTAssertEqual(try failure([("vit_hidden", dump.vitHidden), ("llm_attentions", dump.attentions), start], metadata: [:]),
                       "cannot import: 'vit_hidden' does not say which ViT layer it is; add a 'vit_layer' scalar or give --vit-layer (LLaVA-1.5: 23, i.e. hidden_states[-2] of CLIP ViT-L/14).")
        XCTAssertEqual(try failure([("vit_hidden", dump.vitHidden), ("llm_attentions", dump.attentions)]),
                       "cannot import: there is no 'visual_positions' [images, patches] nor 'image_token_start' [images] to find the visual tokens in the LLM sequence (LLaVA-1.5: the position of the first image token).")
        XCTAssertTrue(try failure([("vit_hidden", dump.vitHidden)]).contains("there is no language-model array"))
    }

    /// Found while writing the dump fuzz target (its input: Tests/Fuzz/Regressions/dump/image-token-start-overflow.safetensors): a start near
    /// Int.max crashed the reader with an arithmetic overflow computing start + p.
    func testImageTokenStartThatOverflows() throws {
        let visual = Tensor(floats: [Float](repeating: 0, count: (dump.lm + 1) * dump.n * dump.p * dump.dm), shape: [dump.lm + 1, dump.n, dump.p, dump.dm])
        for value in [Int64.max - 1, -3] {
            XCTAssertEqual(try failure([("vit_hidden", dump.vitHidden), ("llm_hidden_visual", visual), ("image_token_start", Tensor(int64s: [value], shape: []))]),
                           "cannot import: image_token_start[0] = \(value) cannot start 4 visual tokens in a sequence (it must be a position >= 0).")
        }
        // The fuzzer's own input.
        let input = Fixtures.repositoryRoot.appendingPathComponent("Tests/Fuzz/Regressions/dump/image-token-start-overflow.safetensors")
        var o = LVLMImportOptions(inputs: [input], output: temporaryDirectory("lvlm-bad").appendingPathComponent("store"))
        o.showProgress = false
        XCTAssertThrowsError(try LVLMImporter.run(o)) { error in
            XCTAssertTrue("\(error)".contains("image_token_start[0] = 9223372036854775806 cannot start 4 visual tokens"), "\(error)")
        }
    }

    func testInconsistentShapes() throws {
        let late = ("image_token_start", Tensor(int64s: [7], shape: []))
        XCTAssertEqual(try failure([("vit_hidden", dump.vitHidden), ("llm_attentions", dump.attentions), late]),
                       "cannot import: image 0 maps a visual token to position 9, outside its sequence of 9 tokens.")
        let twoImages = Tensor(floats: Array(dump.vitHidden.floats()[0..<24]), shape: [2, 4, 3])
        XCTAssertEqual(try failure([("vit_hidden", twoImages), ("llm_attentions", dump.attentions), start]),
                       "cannot import: 'llm_attentions' holds 3 images but the ViT side holds 2.")
        let floatsAsPositions = ("visual_positions", Tensor(floats: [Float](repeating: 0, count: 12), shape: [3, 4]))
        XCTAssertEqual(try failure([("vit_hidden", dump.vitHidden), ("llm_attentions", dump.attentions), floatsAsPositions]),
                       "cannot import: 'visual_positions' has dtype F32; expected integers.")
        var nan = dump.attentions.floats()
        nan[5] = .nan
        XCTAssertEqual(try failure([("vit_hidden", dump.vitHidden), ("llm_attentions", Tensor(floats: nan, shape: dump.attentions.shape)), start]),
                       "cannot import: the LLM attention of image 0, block 1 holds a NaN or infinity at position 5.")
    }

    func testExistingStoreNeedsOverwrite() throws {
        let dir = temporaryDirectory("lvlm-exists")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("dump.safetensors"), out = dir.appendingPathComponent("store")
        try dump.standard(to: url)
        var o = LVLMImportOptions(inputs: [url], output: out)
        o.showProgress = false
        _ = try LVLMImporter.run(o)
        XCTAssertThrowsError(try LVLMImporter.run(o)) { error in
            XCTAssertEqual(error as? StoreError, .storeExists(path: out.path))
        }
        o.overwrite = true
        o.name = "renamed"
        _ = try LVLMImporter.run(o)
        XCTAssertEqual(try StoreReader(url: out).lvlmInfo().name, "renamed")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["dump.safetensors", "store"])
    }
}
