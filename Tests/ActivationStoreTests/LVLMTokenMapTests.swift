import ActivationStore
import Foundation
import TestSupport
import XCTest

/// Merged visual tokens: a 4x4 ViT grid (P = 16) whose 2x2 blocks feed K = 4 LLM tokens, as
/// Qwen2.5-VL and InternVL do; the map is imported, and malformed maps get one sentence each.
final class LVLMTokenMapTests: XCTestCase {
    let n = 2, s = 8, start = 2, lm = 2, dv = 3, dm = 5

    /// Token t (row-major over the 2x2 merged grid) ← the patches of its 2x2 block of the 4x4 grid.
    var merged: [Int64] {
        (0..<4).flatMap { t -> [Int64] in
            let (r, c) = (t / 2 * 2, t % 2 * 2)
            return [r * 4 + c, r * 4 + c + 1, (r + 1) * 4 + c, (r + 1) * 4 + c + 1].map(Int64.init)
        }
    }

    func arrays(map: [Int64]) -> [(String, Tensor)] {
        let uniform = (0..<lm).flatMap { _ in (0..<n).flatMap { _ in [Float](repeating: Float(s - 6) / Float(s), count: s) } }  // queries 6..<8: 2 rows
        return [
            ("vit_hidden", Tensor(floats: (0..<(n * 16 * dv)).map { Float($0 % 7) }, shape: [n, 16, dv])),
            ("llm_attention_received", Tensor(floats: uniform, shape: [lm, n, s])),
            ("llm_hidden_visual", Tensor(floats: (0..<((lm + 1) * n * 4 * dm)).map { Float($0 % 5) }, shape: [lm + 1, n, 4, dm])),
            ("visual_positions", Tensor(int64s: (0..<n).flatMap { _ in (0..<4).map { Int64(start + $0) } }, shape: [n, 4])),
            ("visual_token_patches", Tensor(int64s: map, shape: [4, 4])),
            ("vit_grid", Tensor(int64s: [4, 4], shape: [2])),
            ("query_start", Tensor(int64s: [6], shape: [])),
        ]
    }

    func importing(_ arrays: [(String, Tensor)], in dir: URL) throws -> URL {
        let url = dir.appendingPathComponent("dump.safetensors")
        try SafetensorsWriter.write(arrays.map { (name: $0.0, tensor: $0.1) }, metadata: ["vit_layer": "3"], to: url)
        var o = LVLMImportOptions(inputs: [url], output: dir.appendingPathComponent("store"))
        o.showProgress = false
        _ = try LVLMImporter.run(o)
        return o.output
    }

    func testMergedTokensImport() throws {
        let dir = temporaryDirectory("lvlm-map")
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try StoreReader(url: try importing(arrays(map: merged), in: dir))
        let info = try store.lvlmInfo()
        XCTAssertEqual(info.visualTokens, 4)
        XCTAssertEqual(info.tokenPatchWidth, 4)
        XCTAssertEqual(store.model.grid, [4, 4])
        let map = try store.visualTokenMap()
        XCTAssertEqual(map.patches(image: 1, token: 3), [10, 11, 14, 15])
        var sinks = [UInt8](repeating: 0, count: 16)
        sinks[6] = 1  // row 1, col 2: in token 1's block
        XCTAssertEqual(map.fed(image: 0, by: sinks[...]), [false, true, false, false])
    }

    func failure(map: [Int64]) throws -> String {
        let dir = temporaryDirectory("lvlm-map-bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            _ = try importing(arrays(map: map), in: dir)
            XCTFail("the import succeeded")
            return ""
        } catch {
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("store").path))
            return "\(error)".trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
    }

    func testPatchOutsideTheGrid() throws {
        var map = merged
        map[5] = 16
        let message = try failure(map: map)
        XCTAssertTrue(message.hasSuffix("visual token 1 of image 0 names ViT patch 16, outside the 16 patches of the 4x4 grid"), message)
    }

    func testTwoTokensClaimOnePatch() throws {
        var map = merged
        map[4] = 0  // token 1 claims patch 0, which token 0 has
        let message = try failure(map: map)
        XCTAssertTrue(message.hasSuffix("ViT patch 0 of image 0 is claimed by two LLM visual tokens, 0 and 1; a patch feeds at most one token"), message)
    }
}
