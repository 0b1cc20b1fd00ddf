import ActivationStore
import Foundation
import TestSupport
import XCTest

/// An `.npz` LVLM dump written by numpy the way docs/lvlm.md shows (0-d scalars, string ids and
/// name, f16 arrays) imports with every value in place.
final class LVLMDumpPythonTests: XCTestCase {
    func testNumpyDump() throws {
        try Python.require(["numpy"])
        let dir = temporaryDirectory("lvlm-npz")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("make.py"), dump = dir.appendingPathComponent("dump.npz")
        try Self.script.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try Python.run([script.path, dump.path])
        XCTAssertEqual(status, 0, output)

        var o = LVLMImportOptions(inputs: [dump], output: dir.appendingPathComponent("store"))
        o.showProgress = false
        _ = try LVLMImporter.run(o)
        let store = try StoreReader(url: o.output)
        let info = try store.lvlmInfo()
        XCTAssertEqual(info.name, "llava-1.5-7b")
        XCTAssertEqual(info.visionLayer, 23)
        XCTAssertEqual(store.model.layers, 24)
        XCTAssertEqual(store.model.grid, [3, 3])
        XCTAssertEqual(store.images.map(\.id), ["cat.jpg", "dog.jpg"])
        XCTAssertEqual(try store.visualPositions(), (0..<2).flatMap { _ in (0..<9).map { Int64(5 + $0) } })
        XCTAssertEqual(try store.queryCounts(), [6, 6], "query rows 14..<20")
        // The script plants: received[l, i, s] = s/10 + l + i on visual positions, hidden = position + l.
        let r = try store.llmReceived(layer: 2)
        var want: [Float] = []
        for i in 0..<2 { for p in 0..<9 { want.append(Float(5 + p) / 10 + 1 + Float(i)) } }
        assertClose(r, want, absolute: 1e-6)
        XCTAssertEqual(try store.llmHidden(layer: 1, images: [1]), (0..<9).flatMap { p in [Float](repeating: Float(5 + p + 1), count: 4) })
    }

    /// The LVLM part of a store reads from Python the way docs/store.md shows.
    func testPythonReadsTheLLMFiles() throws {
        try Python.require(["numpy", "safetensors.numpy"])
        let dir = temporaryDirectory("lvlm-py-read")
        defer { try? FileManager.default.removeItem(at: dir) }
        let dump = LVLMDumpBuilder(), file = dir.appendingPathComponent("dump.safetensors")
        try dump.standard(to: file)
        var o = LVLMImportOptions(inputs: [file], output: dir.appendingPathComponent("store"))
        o.showProgress = false
        o.shardBytes = 1  // one image per shard: the files must be concatenated in order
        _ = try LVLMImporter.run(o)
        let want = (0..<dump.n).flatMap { i in (0..<dump.p).map { dump.received(1, i)[dump.start + $0] / Double(dump.s) } }
        let script = dir.appendingPathComponent("read.py")
        try Self.readScript.write(to: script, atomically: true, encoding: .utf8)
        let (status, output) = try Python.run([script.path, o.output.path])
        XCTAssertEqual(status, 0, output)
        let got = output.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        XCTAssertEqual(got.count, want.count, output)
        for (g, w) in zip(got, want) { XCTAssertEqual(g, w, accuracy: 1e-6) }
    }

    static let readScript = #"""
import json, os, sys
import numpy as np
from safetensors.numpy import load_file
store = sys.argv[1]
manifest = json.load(open(os.path.join(store, "manifest.json")))
shards = [load_file(os.path.join(store, s["file"])) for s in manifest["shards"]]
llm = [load_file(os.path.join(store, f)) for f in manifest["lvlm"]["files"]]
share2 = np.concatenate([s["llm.received.2"] / s["llm.query_count"][:, None] for s in llm])   # [n, P]
vit = np.concatenate([s[f"hidden.{manifest['lvlm']['vision_layer']}"] for s in shards])        # [n, T, Dv]
assert vit.shape == (3, 4, 3) and share2.shape == (3, 4), (vit.shape, share2.shape)
print(" ".join(repr(float(x)) for x in share2.ravel()))
"""#

    static let script = #"""
import sys
import numpy as np
n, P, Dv, Lm, S, Dm = 2, 9, 6, 2, 20, 4
rng = np.random.default_rng(0)
received = np.zeros((Lm, n, S), np.float32)
for l in range(Lm):
    for i in range(n):
        received[l, i, 5:14] = np.arange(5, 14) / 10 + l + i
        rest = 6 - received[l, i].sum()          # 6 query rows (14..<20): the total must be 6
        received[l, i, 0] = rest
hidden = np.zeros((Lm + 1, n, S, Dm), np.float16)
for l in range(Lm + 1):
    hidden[l] = (np.arange(S)[None, :, None] + l).astype(np.float16)
np.savez(sys.argv[1],
         vit_hidden=rng.standard_normal((n, P, Dv)).astype(np.float16),
         llm_attention_received=received,
         llm_hidden_states=hidden,
         image_token_start=np.array([5, 5]),
         query_start=np.array(14),
         vit_layer=np.array(23), vit_blocks=np.array(24),
         lvlm_name=np.array("llava-1.5-7b"),
         image_ids=np.array(["cat.jpg", "dog.jpg"]))
"""#
}
